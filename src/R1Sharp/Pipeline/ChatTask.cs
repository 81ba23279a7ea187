using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using R1Sharp.Tasks;

namespace R1Sharp.Pipeline;

/// <summary>
/// The built-in non-reasoning ("chat") task of <c>r1 pipeline</c>: "Give numbers near N" (N from 10 to 99). There is
/// no single right answer: any list of distinct whole numbers within 3 of N (other than N) helps. The rule judge scores
/// a response by how much it helps (<see cref="Judge"/>); the reward model is trained on pairs that this judge ranks,
/// and then scores responses the way the paper's helpfulness reward model does. Some values of N are held out: no
/// corpus document, preference pair or training prompt uses them.
/// </summary>
public sealed partial class ChatTask
{
    /// <summary>The family name in rows and metrics.</summary>
    public const string Family = "chat";

    private const int Lowest = 10, Highest = 99, Reach = 3, Wanted = 3;

    private readonly int[] _heldOut;
    private readonly int[] _training;

    /// <summary>Builds the split.</summary>
    /// <param name="seed">Seed of the held-out draw.</param>
    /// <param name="heldOut">How many values of N are held out (at most 45).</param>
    public ChatTask(int seed, int heldOut)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heldOut, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(heldOut, 45);
        var all = Enumerable.Range(Lowest, Highest - Lowest + 1).ToArray();
        new Random(seed ^ 0xC4A7).Shuffle(all);
        _heldOut = [.. all.Take(heldOut).Order()];
        _training = [.. all.Skip(heldOut)];
    }

    /// <summary>The held-out values of N, in evaluation order.</summary>
    public IReadOnlyList<int> HeldOut => _heldOut;

    /// <summary>Training value number <paramref name="index"/> (cycles through the values that are not held out).</summary>
    public int Training(long index) => _training[(int)(index % _training.Length)];

    /// <summary>The question for N.</summary>
    public static string Question(int n) => "Give numbers near " + n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The prompt a model sees: a plain user turn, without the reasoning instruction (no chain of thought is asked for).</summary>
    public static string Prompt(int n) => SyntheticCorpus.TextbookPrompt(Question(n));

    /// <summary>The data-set row of a chat prompt (what rewards read): family and n.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Row(int n) => new Dictionary<string, JsonElement>
    {
        ["family"] = JsonSerializer.SerializeToElement(Family),
        ["question"] = JsonSerializer.SerializeToElement(Question(n)),
        ["n"] = JsonSerializer.SerializeToElement(n),
    };

    /// <summary>True when a row is a chat row.</summary>
    public static bool IsChat(IReadOnlyDictionary<string, JsonElement> row) =>
        row is not null && row.TryGetValue("family", out var f) && f.ValueKind == JsonValueKind.String && f.GetString() == Family;

    /// <summary>
    /// The rule judge: (right numbers − wrong numbers) / 3, clamped to [0, 1]; a right number is a distinct whole number
    /// within 3 of N other than N, counted up to 3. An empty or unreadable response scores 0.
    /// </summary>
    public static double Judge(int n, string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var seen = new HashSet<long>();
        int right = 0, wrong = 0;
        foreach (Match m in Number().Matches(response))
        {
            if (!long.TryParse(m.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || !seen.Add(value)) { wrong++; continue; }
            if (value != n && Math.Abs(value - n) <= Reach) right++;
            else wrong++;
        }
        return Math.Clamp((Math.Min(right, Wanted) - wrong) / (double)Wanted, 0, 1);
    }

    /// <summary>
    /// A response of the built-in writer: with probability <paramref name="goodRate"/> three right numbers, otherwise one
    /// to three numbers each right with probability 0.4. Written " a, b, c" (the completion after "Assistant:").
    /// </summary>
    public static string Response(int n, double goodRate, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var near = Enumerable.Range(n - Reach, 2 * Reach + 1).Where(v => v != n).ToArray();
        random.Shuffle(near);
        IEnumerable<int> numbers;
        if (random.NextDouble() < goodRate) numbers = near.Take(Wanted).Order();
        else numbers = Enumerable.Range(0, random.Next(1, Wanted + 1)).Select(i => random.NextDouble() < 0.4 ? near[i] : random.Next(1, 100)).Distinct();
        var text = new StringBuilder();
        foreach (int v in numbers) text.Append(text.Length == 0 ? " " : ", ").Append(v.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
