using System.Numerics;
using R1Sharp.Verify.Numbers;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// Evaluates a scalar expression tree at one assignment of its variables. Structures that are not scalars
/// (sets, intervals, relations…) evaluate to <see cref="Value.Undefined"/>; the comparers take them apart first.
/// </summary>
internal sealed class Evaluator(IReadOnlyDictionary<string, Value> variables, CheckBudget budget)
{
    private int _depth;

    public Value Evaluate(Node node)
    {
        if (++_depth > 200 || budget.Exhausted) { _depth--; return Value.Undefined; }
        try
        {
            return node switch
            {
                NumberNode n => Value.Exact(n.Value),
                SymbolNode s => Symbol(s),
                SumNode sum => Fold(sum.Terms, Value.Exact(BigRational.Zero), (a, b) => ValueArithmetic.Add(a, b, budget)),
                ProductNode p => Fold(p.Factors, Value.Exact(BigRational.One), (a, b) => ValueArithmetic.Multiply(a, b, budget)),
                NegateNode neg => ValueArithmetic.Negate(Evaluate(neg.Operand)),
                PowerNode pow => Power(pow),
                CallNode call => Call(call),
                FactorialNode f => Factorial(Evaluate(f.Operand)),
                PercentNode pct => ValueArithmetic.Multiply(Evaluate(pct.Operand), Value.Exact(BigRational.Create(1, 100)), budget),
                _ => Value.Undefined,
            };
        }
        finally
        {
            _depth--;
        }
    }

    private Value Fold(IReadOnlyList<Node> items, Value seed, Func<Value, Value, Value> combine)
    {
        var acc = seed;
        foreach (var item in items)
        {
            acc = combine(acc, Evaluate(item));
            if (acc.Unreliable) return acc;
        }
        return acc;
    }

    private Value Symbol(SymbolNode s) => s.Name switch
    {
        SymbolNode.Pi => Value.Approximate(Math.PI),
        "e" => Value.Approximate(Math.E),
        "i" => Value.Exact(BigRational.Zero, BigRational.One),
        SymbolNode.Infinity => Value.Undefined,
        _ => variables.TryGetValue(s.Name, out var v) ? v : Value.Undefined,
    };

    private Value Power(PowerNode pow)
    {
        var exponent = Evaluate(pow.Exponent);
        // e^x written as a power of the constant e.
        if (pow.Base is SymbolNode { Name: "e" } && !exponent.Unreliable)
            return ValueArithmetic.Checked(Complex.Exp(exponent.Approx));
        return ValueArithmetic.Power(Evaluate(pow.Base), exponent, budget);
    }

    private Value Call(CallNode call)
    {
        var args = call.Arguments.Select(Evaluate).ToArray();
        if (args.Any(a => a.Unreliable) || args.Length == 0) return Value.Undefined;
        var x = args[0];
        switch (call.Name)
        {
            case "abs":
                if (x.IsExactRational) return Value.Exact(x.Re.Sign < 0 ? -x.Re : x.Re);
                return Value.Approximate(x.Approx.Magnitude);
            case "floor" or "ceil":
                if (!x.IsReal) return Value.Undefined;
                if (x.IsExact)
                {
                    var q = BigInteger.Divide(x.Re.Numerator, x.Re.Denominator);
                    if (x.Re.Numerator.Sign < 0 && !x.Re.IsInteger) q -= 1;
                    if (call.Name == "ceil" && !x.Re.IsInteger) q += 1;
                    return Value.Exact(new BigRational(q));
                }
                return Value.Exact(new BigRational(new BigInteger(call.Name == "floor" ? Math.Floor(x.Approx.Real) : Math.Ceiling(x.Approx.Real))));
            case "binom":
                return Binomial(x, args.Length > 1 ? args[1] : Value.Undefined);
            case "logb":
                return args.Length < 2 ? Value.Undefined : ValueArithmetic.Checked(Complex.Log(x.Approx) / Complex.Log(args[1].Approx));
        }
        if (ElementaryFunctions.TryExact(call.Name, x, out var exact)) return exact;
        if (ElementaryFunctions.TryApproximate(call.Name, x.Approx, out var z)) return ValueArithmetic.Checked(z);
        return UnknownFunction(call.Name, args);
    }

    // f(x) for an undefined f: a fixed pseudo-random function of its arguments, so f(x) = f(x) but f(x) ≠ f(y).
    private static Value UnknownFunction(string name, Value[] args)
    {
        ulong h = 1469598103934665603UL;
        foreach (char c in name) h = (h ^ c) * 1099511628211UL;
        foreach (var a in args)
        {
            h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(Math.Round(a.Approx.Real, 9))) * 1099511628211UL;
            h = (h ^ (ulong)BitConverter.DoubleToInt64Bits(Math.Round(a.Approx.Imaginary, 9))) * 1099511628211UL;
        }
        return Value.Approximate(1.0 + (h % 1_000_003) / 1_000_003.0);
    }

    private Value Factorial(Value x)
    {
        if (!x.IsExactRational || !x.Re.IsInteger || x.Re.Sign < 0) return Value.Undefined;
        var n = x.Re.Numerator;
        // n! has about n log2 n bits: past the budget it is decided by magnitude alone (rule 12).
        if (n > 5000) return Value.Undefined;
        int count = (int)n;
        if (count * Math.Log2(Math.Max(2, count)) > budget.MaxExactBits)
            return Value.Undefined;
        BigInteger product = 1;
        for (int k = 2; k <= count; k++) product *= k;
        return Value.Exact(new BigRational(product));
    }

    private Value Binomial(Value n, Value k)
    {
        if (!n.IsExactRational || !k.IsExactRational || !n.Re.IsInteger || !k.Re.IsInteger) return Value.Undefined;
        var nn = n.Re.Numerator;
        var kk = k.Re.Numerator;
        if (kk.Sign < 0 || kk > nn) return Value.Exact(BigRational.Zero);
        if (kk > 5000) return Value.Undefined;
        BigInteger result = 1;
        for (int i = 1; i <= (int)kk; i++) result = result * (nn - kk + i) / i;
        return result.GetBitLength() > budget.MaxExactBits ? Value.Undefined : Value.Exact(new BigRational(result));
    }
}
