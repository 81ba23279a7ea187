using System.Text;

namespace R1Sharp.Distillation;

/// <summary>
/// Removes duplicate responses to the same prompt: exact duplicates after normalisation (case, whitespace and
/// punctuation ignored) and near-duplicates whose word 3-gram sets overlap by at least
/// <see cref="NearDuplicateJaccard"/> (Jaccard similarity). The first response of each cluster is kept.
/// Sampling several responses at temperature below 1 yields many copies; training on copies over-weights them.
/// </summary>
/// <param name="NearDuplicateJaccard">Similarity from which two responses count as the same; above 1 turns
/// near-duplicate detection off. Default 0.9.</param>
public sealed record ResponseDeduplicator(double NearDuplicateJaccard = 0.9)
{
    /// <summary>Drop reason of exact duplicates.</summary>
    public const string ExactReason = "duplicate";

    /// <summary>Drop reason of near-duplicates.</summary>
    public const string NearReason = "near_duplicate";

    /// <summary>For each response of one prompt, null to keep it or the reason it is a duplicate.</summary>
    public string?[] Judge(IReadOnlyList<SampledResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var verdicts = new string?[responses.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keptShingles = new List<HashSet<string>>();
        for (int i = 0; i < responses.Count; i++)
        {
            string normalised = Normalise(responses[i].Response);
            if (!seen.Add(normalised))
            {
                verdicts[i] = ExactReason;
                continue;
            }
            var shingles = Shingles(normalised);
            if (NearDuplicateJaccard <= 1 && keptShingles.Any(k => Jaccard(k, shingles) >= NearDuplicateJaccard))
            {
                verdicts[i] = NearReason;
                continue;
            }
            keptShingles.Add(shingles);
        }
        return verdicts;
    }

    /// <summary>Lower case, letters and digits only, single spaces.</summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0) builder.Append(' ');
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else space = true;
        }
        return builder.ToString();
    }

    /// <summary>Jaccard similarity of two sets (1 for two empty sets).</summary>
    public static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 && b.Count == 0) return 1;
        int common = a.Count < b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
        return (double)common / (a.Count + b.Count - common);
    }

    private static HashSet<string> Shingles(string normalised)
    {
        string[] words = normalised.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (words.Length < 3)
        {
            if (words.Length > 0) set.Add(string.Join(' ', words));
            return set;
        }
        for (int i = 0; i + 3 <= words.Length; i++) set.Add($"{words[i]} {words[i + 1]} {words[i + 2]}");
        return set;
    }
}
