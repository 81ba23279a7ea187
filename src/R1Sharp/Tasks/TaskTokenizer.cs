using System.Text;
using R1Sharp.Text;

namespace R1Sharp.Tasks;

/// <summary>
/// The built-in tokenizer of the synthetic tasks: single characters (printable ASCII and newline), whole-word
/// tokens for the words of the template and the task questions, whole-phrase tokens for the template's fixed
/// sentences, and the four tags.
/// Why not plain characters: the R1-Zero template alone is ~400 characters, so every prompt would cost ~400
/// positions of attention and compute per sample — most of a small model's budget on 2 CPU cores. Its sentences
/// are the most frequent strings of this corpus by far, so a BPE trained on the corpus would merge each of them
/// into one token too; we write those merges down instead of training them. The template then costs ~10
/// tokens, while digits and operators stay single characters so the model sees every digit of the arithmetic it
/// has to learn. Greedy longest match makes encoding deterministic, and since decoding is concatenation,
/// decode(encode(s)) == s for any text of printable ASCII.
/// </summary>
public sealed class TaskTokenizer : ITextTokenizer
{
    /// <summary>The file a checkpoint of the built-in model keeps this vocabulary in (a JSON list of token strings), so a changed vocabulary is caught on load.</summary>
    public const string VocabularyFileName = "task_tokenizer_vocab.json";

    /// <summary>Padding id.</summary>
    public const int Pad = 0;

    /// <summary>End-of-text id (the only EOS).</summary>
    public const int EndOfText = 1;

    /// <summary>Id for characters outside the vocabulary (decoding loses them).</summary>
    public const int Unknown = 2;

    private const string EndOfTextText = "<|endoftext|>";

    // Changing this list changes ids: bump nothing silently — checkpoints store the vocabulary (see Vocabulary).
    private const string Words =
        "A conversation between User and Assistant The user asks a question the solves it assistant first thinks about " +
        "reasoning process in mind then provides with answer are enclosed within tags respectively i.e., here " +
        "Compute Using numbers make Use each number exactly once wait check again is not try no yes verify";

    private static readonly string[] Tags = ["<think>", "</think>", "<answer>", "</answer>"];

    // The template's fixed sentences (R1ZeroTemplate) and the questions' fixed phrases, each one token.
    private static readonly string[] Phrases =
    [
        "A conversation between User and Assistant.",
        " The user asks a question, and the Assistant solves it.",
        " The assistant first thinks about the reasoning process in the mind and then provides the user with the answer.",
        " The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>.",
        " User: ",
        ". Assistant:",
        "Using the numbers ",
        ". Use each number exactly once with + - * /",
        "Compute ",
        ", wait, check again: ",
        " is not ",
        ", try again: ",
    ];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<char, string[]> _multiCharByFirst;

    /// <summary>Builds the fixed vocabulary.</summary>
    public TaskTokenizer() : this([])
    {
    }

    /// <summary>
    /// The fixed vocabulary plus <paramref name="extraTokens"/>, appended after it (so every built-in id keeps its
    /// number): whole-phrase tokens of a variant, such as the tool-call phrases of <c>r1 zero --tools</c>. A token
    /// already in the vocabulary is not added twice.
    /// </summary>
    /// <param name="extraTokens">Multi-character strings to add, in order.</param>
    public TaskTokenizer(IEnumerable<string> extraTokens)
    {
        ArgumentNullException.ThrowIfNull(extraTokens);
        var tokens = new List<string> { "<pad>", EndOfTextText, "<unk>", "\n" };
        for (char c = ' '; c <= '~'; c++) tokens.Add(c.ToString());
        foreach (var tag in Tags) { tokens.Add(tag); tokens.Add(" " + tag); }
        tokens.AddRange(Phrases);
        foreach (var word in Words.Split(' ').Distinct(StringComparer.Ordinal))
        {
            if (word.Length > 1) tokens.Add(word);
            tokens.Add(" " + word);
        }
        tokens.AddRange(extraTokens.Where(t => !string.IsNullOrEmpty(t)));
        _tokens = tokens.Distinct(StringComparer.Ordinal).ToArray();
        _ids = _tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        _multiCharByFirst = _tokens.Skip(3).Where(t => t.Length > 1).Append(EndOfTextText)
            .GroupBy(t => t[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Length).ToArray());
    }

    /// <summary>Every token string by id (saved beside checkpoints).</summary>
    public IReadOnlyList<string> Vocabulary => _tokens;

    /// <inheritdoc />
    public int VocabSize => _tokens.Length;

    /// <inheritdoc />
    public int? BosId => null;

    /// <inheritdoc />
    public IReadOnlyList<int> EosIds { get; } = [EndOfText];

    /// <inheritdoc />
    public int PadId => Pad;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 2 + 1);
        int i = 0;
        while (i < text.Length)
        {
            string? match = null;
            if (_multiCharByFirst.TryGetValue(text[i], out var candidates))
                match = candidates.FirstOrDefault(t => string.CompareOrdinal(text, i, t, 0, t.Length) == 0);
            if (match is not null)
            {
                ids.Add(_ids[match]);
                i += match.Length;
                continue;
            }
            ids.Add(_ids.TryGetValue(text[i].ToString(), out int id) ? id : Unknown);
            i++;
        }
        return ids;
    }

    /// <summary>Decodes ids; an id outside the vocabulary (model output from a wider embedding) decodes to nothing.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if (id < 0 || id >= _tokens.Length) continue;
            if (id <= Unknown && (skipSpecialTokens || id == Pad)) continue;
            text.Append(_tokens[id]);
        }
        return text.ToString();
    }
}
