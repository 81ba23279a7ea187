using System.Numerics;
using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Algebra;

/// <summary>Trigonometric, logarithmic and exponential functions: exact at the few points where that is free, complex-double elsewhere.</summary>
internal static class ElementaryFunctions
{
    public static bool TryExact(string name, Value x, out Value result)
    {
        result = default;
        if (!x.IsExactRational) return false;
        if (x.Re.IsZero && name is "sin" or "tan" or "asin" or "atan" or "sinh" or "tanh")
        { result = Value.Exact(BigRational.Zero); return true; }
        if (x.Re.IsZero && name is "cos" or "sec" or "cosh" or "exp")
        { result = Value.Exact(BigRational.One); return true; }
        if (x.Re == BigRational.One && name is "ln" or "log")
        { result = Value.Exact(BigRational.Zero); return true; }
        // log of an exact power of ten: log 1000 = 3 (base 10, as in school answers).
        if (name == "log" && x.Re.IsInteger && x.Re.Sign > 0)
        {
            var s = x.Re.Numerator.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (s[0] == '1' && s.Skip(1).All(c => c == '0')) { result = Value.Exact(new BigRational(s.Length - 1)); return true; }
        }
        return false;
    }

    public static bool TryApproximate(string name, Complex x, out Complex result)
    {
        result = name switch
        {
            "sin" => Complex.Sin(x),
            "cos" => Complex.Cos(x),
            "tan" => Complex.Tan(x),
            "sec" => Complex.Reciprocal(Complex.Cos(x)),
            "csc" => Complex.Reciprocal(Complex.Sin(x)),
            "cot" => Complex.Reciprocal(Complex.Tan(x)),
            "asin" => Complex.Asin(x),
            "acos" => Complex.Acos(x),
            "atan" => Complex.Atan(x),
            "sinh" => Complex.Sinh(x),
            "cosh" => Complex.Cosh(x),
            "tanh" => Complex.Tanh(x),
            "ln" => Complex.Log(x),
            "log" => Complex.Log10(x),
            "exp" => Complex.Exp(x),
            _ => Complex.NaN,
        };
        return !double.IsNaN(result.Real);
    }
}
