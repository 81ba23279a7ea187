namespace R1Sharp.Verify.Tests.Data;

/// <summary>
/// Agreement with Math-Verify's, lighteval's and the MATH checker's own test cases. Every row must agree, except
/// the rows listed with a reason in deliberate-differences.tsv (a policy rule that decides otherwise, or a known
/// gap), and those must still differ, so that the list stays true.
/// </summary>
public class SourceAgreementTests
{
    private static readonly Dictionary<(string File, int Row), string> Differences = LoadDifferences();

    public static TheoryData<string> SourceFiles() => new(SourceCase.Files);

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void Agrees_with_the_source_except_for_the_listed_rows(string file)
    {
        var cases = SourceCase.Load(file).ToList();
        Assert.NotEmpty(cases);
        var unexpected = new List<string>();
        foreach (var c in cases)
        {
            bool listed = Differences.ContainsKey((c.File, c.Row));
            bool agrees = c.Verdict() == c.Expected;
            if (agrees == listed)
                unexpected.Add($"{c.File} row {c.Row} ({(listed ? "listed as different but agrees" : "disagrees")}): gold={c.Gold} pred={Short(c.Predicted)} expected={c.Expected}");
        }
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [Fact]
    public void Every_listed_difference_has_a_reason_naming_a_rule_or_a_gap()
    {
        Assert.NotEmpty(Differences);
        Assert.All(Differences.Values, reason => Assert.Matches(@"^(rule \d+|gap): \S", reason));
    }

    private static string Short(string s) => s.Length > 80 ? s[..40] + "…" + s[^30..] : s;

    private static Dictionary<(string, int), string> LoadDifferences()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "deliberate-differences.tsv");
        var result = new Dictionary<(string, int), string>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var parts = line.Split('\t');
            result[(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))] = parts[3];
        }
        return result;
    }
}
