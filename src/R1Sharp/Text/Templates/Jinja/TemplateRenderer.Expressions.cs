namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Expression evaluation with Python/Jinja semantics.</summary>
internal sealed partial class TemplateRenderer
{
    public object? Evaluate(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                return scope.TryGet(name.Name, out var value) ? value : new Undefined($"'{name.Name}' is undefined");
            case AttributeExpr attribute:
                return GetAttribute(Evaluate(attribute.Target, scope), attribute.Name, attribute.Offset);
            case ItemExpr item:
                return GetItem(Evaluate(item.Target, scope), Evaluate(item.Index, scope), item.Offset);
            case SliceExpr slice:
                return Slice(slice, scope);
            case CallExpr call:
                return EvaluateCall(call, scope);
            case FilterExpr filter:
                return TemplateFilters.Apply(this, filter.Name, Evaluate(filter.Target, scope),
                    filter.Arguments.Select(a => Evaluate(a, scope)).ToList(),
                    filter.Keywords.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope)), filter.Offset);
            case TestExpr test:
                bool result = TemplateTests.Apply(this, test.Name, Evaluate(test.Target, scope),
                    test.Arguments.Select(a => Evaluate(a, scope)).ToList(), test.Offset);
                return test.Negated ? !result : result;
            case UnaryExpr unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Operator switch
                {
                    "not" => !PythonValues.IsTruthy(operand),
                    "-" => operand switch
                    {
                        long l => (object)(-l),
                        double d => -d,
                        bool b => b ? -1L : 0L,
                        _ => throw Error(unary.Offset, $"bad operand type for unary -: '{PythonValues.TypeName(operand)}'"),
                    },
                    _ => PythonValues.IsNumber(operand) ? operand : throw Error(unary.Offset, $"bad operand type for unary +: '{PythonValues.TypeName(operand)}'"),
                };
            case BinaryExpr binary:
                return EvaluateBinary(binary, scope);
            case ConditionalExpr conditional:
                return PythonValues.IsTruthy(Evaluate(conditional.Condition, scope))
                    ? Evaluate(conditional.Then, scope)
                    : conditional.Else is null ? new Undefined("the conditional expression has no else branch") : Evaluate(conditional.Else, scope);
            case ListExpr list:
                return list.Items.Select(i => Evaluate(i, scope)).ToList();
            case DictExpr dict:
                var mapping = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, itemValue) in dict.Items)
                {
                    if (Evaluate(key, scope) is not string k) throw Error(key.Offset, "only string keys are supported in dict literals");
                    mapping[k] = Evaluate(itemValue, scope);
                }
                return mapping;
            default:
                throw Error(expr.Offset, $"cannot evaluate {expr.GetType().Name}");
        }
    }

    public object? GetAttribute(object? target, string name, int offset) => target switch
    {
        Undefined u => throw Error(offset, $"{u.Description} (reading attribute '{name}')"),
        Dictionary<string, object?> dict => dict.TryGetValue(name, out var v) ? v : new Undefined($"dict object has no attribute '{name}'"),
        Namespace ns => ns.Attributes.TryGetValue(name, out var v) ? v : new Undefined($"namespace has no attribute '{name}'"),
        LoopContext loop => loop.Get(name),
        _ => new Undefined($"'{PythonValues.TypeName(target)}' object has no attribute '{name}'"),
    };

    public object? GetItem(object? target, object? index, int offset)
    {
        switch (target)
        {
            case Undefined u:
                throw Error(offset, $"{u.Description} (reading an item)");
            case Dictionary<string, object?> dict:
                return index is string key && dict.TryGetValue(key, out var value) ? value : new Undefined($"dict object has no element {PythonValues.Repr(index)}");
            case List<object?> list when index is long or bool:
                long i = (long)PythonValues.ToDouble(index);
                if (i < 0) i += list.Count;
                return i >= 0 && i < list.Count ? list[(int)i] : new Undefined($"list object has no element {PythonValues.Repr(index)}");
            case string s when index is long or bool:
                var runes = s.EnumerateRunes().ToList();
                long j = (long)PythonValues.ToDouble(index);
                if (j < 0) j += runes.Count;
                return j >= 0 && j < runes.Count ? runes[(int)j].ToString() : new Undefined($"string index out of range");
            case Namespace or LoopContext when index is string name:
                return GetAttribute(target, name, offset);
            default:
                return new Undefined($"'{PythonValues.TypeName(target)}' object has no element {PythonValues.Repr(index)}");
        }
    }

    private object? Slice(SliceExpr slice, Scope scope)
    {
        var target = Evaluate(slice.Target, scope);
        long? Bound(Expr? e)
        {
            if (e is null) return null;
            var v = Evaluate(e, scope);
            return v switch
            {
                null => null,
                long l => l,
                bool b => b ? 1 : 0,
                _ => throw Error(e.Offset, "slice indices must be integers or None"),
            };
        }
        long? start = Bound(slice.Start), stop = Bound(slice.Stop), step = Bound(slice.Step);
        if (step == 0) throw Error(slice.Offset, "slice step cannot be zero");
        switch (target)
        {
            case List<object?> list:
                return PythonSlice(list.Count, start, stop, step ?? 1).Select(i => list[i]).ToList();
            case string s:
                var runes = s.EnumerateRunes().Select(r => r.ToString()).ToList();
                return string.Concat(PythonSlice(runes.Count, start, stop, step ?? 1).Select(i => runes[i]));
            case Undefined u:
                throw Error(slice.Offset, u.Description + " (slicing)");
            default:
                throw Error(slice.Offset, $"'{PythonValues.TypeName(target)}' object is not subscriptable");
        }
    }

    private static IEnumerable<int> PythonSlice(int length, long? start, long? stop, long step)
    {
        long Clamp(long? value, long fallback, long low, long high)
        {
            if (value is null) return fallback;
            long v = value.Value < 0 ? value.Value + length : value.Value;
            return Math.Clamp(v, low, high);
        }
        if (step > 0)
        {
            long from = Clamp(start, 0, 0, length), to = Clamp(stop, length, 0, length);
            for (long i = from; i < to; i += step) yield return (int)i;
        }
        else
        {
            long from = Clamp(start, length - 1, -1, length - 1), to = Clamp(stop, -1, -1, length - 1);
            if (stop is not null && stop.Value < 0 && stop.Value + length < 0) to = -1;
            for (long i = from; i > to; i += step) yield return (int)i;
        }
    }

    private object? EvaluateCall(CallExpr call, Scope scope)
    {
        var args = call.Arguments.Select(a => Evaluate(a, scope)).ToList();
        var kwargs = call.Keywords.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope));
        if (call.Callee is AttributeExpr method)
        {
            var target = Evaluate(method.Target, scope);
            if (target is string or List<object?> or Dictionary<string, object?>
                && TemplateMethods.TryCall(this, target, method.Name, args, kwargs, call.Offset, out var result))
                return result;
            var attribute = GetAttribute(target, method.Name, method.Offset);
            return Invoke(attribute, args, kwargs, call.Offset, method.Name);
        }
        return Invoke(Evaluate(call.Callee, scope), args, kwargs, call.Offset, call.Callee is NameExpr n ? n.Name : "expression");
    }

    private object? Invoke(object? callee, List<object?> args, Dictionary<string, object?> kwargs, int offset, string name)
    {
        if (callee is not Callable callable)
            throw Error(offset, callee is Undefined u ? $"{u.Description} (calling '{name}')" : $"'{name}' ({PythonValues.TypeName(callee)}) is not callable");
        try
        {
            return callable.Invoke(args, kwargs);
        }
        catch (TemplateException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw Error(offset, $"{name}(): {e.Message}");
        }
    }

    private object? EvaluateBinary(BinaryExpr binary, Scope scope)
    {
        if (binary.Operator == "and")
        {
            var left = Evaluate(binary.Left, scope);
            return PythonValues.IsTruthy(left) ? Evaluate(binary.Right, scope) : left;
        }
        if (binary.Operator == "or")
        {
            var left = Evaluate(binary.Left, scope);
            return PythonValues.IsTruthy(left) ? left : Evaluate(binary.Right, scope);
        }
        var a = Evaluate(binary.Left, scope);
        var b = Evaluate(binary.Right, scope);
        return binary.Operator switch
        {
            "==" => PythonValues.Equals(a, b),
            "!=" => !PythonValues.Equals(a, b),
            "<" => PythonValues.Compare(a, b, m => Error(binary.Offset, m)) < 0,
            "<=" => PythonValues.Compare(a, b, m => Error(binary.Offset, m)) <= 0,
            ">" => PythonValues.Compare(a, b, m => Error(binary.Offset, m)) > 0,
            ">=" => PythonValues.Compare(a, b, m => Error(binary.Offset, m)) >= 0,
            "in" => Contains(b, a, binary.Offset),
            "not in" => !Contains(b, a, binary.Offset),
            "~" => PythonValues.Str(a) + PythonValues.Str(b),
            _ => Arithmetic(binary.Operator, a, b, binary.Offset),
        };
    }

    public bool Contains(object? container, object? item, int offset) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        string => throw Error(offset, $"'in <string>' requires string as left operand, not {PythonValues.TypeName(item)}"),
        List<object?> list => list.Any(x => PythonValues.Equals(x, item)),
        Dictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        Namespace ns => item is string k && ns.Attributes.ContainsKey(k),
        Undefined u => throw Error(offset, u.Description + " (used with 'in')"),
        _ => throw Error(offset, $"argument of type '{PythonValues.TypeName(container)}' is not iterable"),
    };

    private object? Arithmetic(string op, object? a, object? b, int offset)
    {
        if (op == "+")
        {
            if (a is string x && b is string y) return x + y;
            if (a is List<object?> l && b is List<object?> r) return l.Concat(r).ToList();
        }
        if (op == "*")
        {
            if (a is string s && b is long n) return string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n)));
            if (a is List<object?> list && b is long m) return Enumerable.Repeat(list, (int)Math.Max(0, m)).SelectMany(x => x).ToList();
        }
        if (op == "%" && a is string)
            throw Error(offset, "printf-style '%' formatting of strings is not supported");
        if (!PythonValues.IsNumber(a) || !PythonValues.IsNumber(b))
        {
            string what = a is Undefined || b is Undefined ? ((a as Undefined ?? (Undefined)b!).Description + ": ") : "";
            throw Error(offset, $"{what}unsupported operand type(s) for {op}: '{PythonValues.TypeName(a)}' and '{PythonValues.TypeName(b)}'");
        }
        bool integers = a is long or bool && b is long or bool;
        double da = PythonValues.ToDouble(a), db = PythonValues.ToDouble(b);
        long la = (long)da, lb = (long)db;
        switch (op)
        {
            case "+": return integers ? (object)(la + lb) : da + db;
            case "-": return integers ? (object)(la - lb) : da - db;
            case "*": return integers ? (object)(la * lb) : da * db;
            case "/":
                if (db == 0) throw Error(offset, "division by zero");
                return da / db;
            case "//":
                if (db == 0) throw Error(offset, "integer division or modulo by zero");
                return integers ? (object)(long)Math.Floor((double)la / lb) : Math.Floor(da / db);
            case "%":
                if (db == 0) throw Error(offset, "integer division or modulo by zero");
                return integers ? (object)(((la % lb) + lb) % lb) : da - db * Math.Floor(da / db);
            case "**":
                return integers && lb >= 0 ? (object)(long)Math.Pow(la, lb) : Math.Pow(da, db);
            default:
                throw Error(offset, $"unsupported operator '{op}'");
        }
    }
}
