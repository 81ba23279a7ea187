using System.Globalization;

namespace R1Sharp.Bench;

/// <summary>How the benchmarks read their command lines: named values (<c>--json FILE</c>) and the kernel benchmarks'
/// leading <c>[threads] [rounds]</c>.</summary>
internal static class BenchArguments
{
    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or null when it is absent.</summary>
    public static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>A kernel benchmark's <c>[threads (1)] [rounds (<paramref name="defaultRounds"/>)] [--json FILE]</c>.</summary>
    public static (int Threads, int Rounds, string? Json) ThreadsRoundsJson(string[] args, int defaultRounds)
    {
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        int threads = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 1;
        int rounds = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : defaultRounds;
        return (threads, rounds, Value(args, "--json"));
    }
}
