using R1Sharp.Generation;
using R1Sharp.Text;

namespace R1Sharp.Serving.Http;

/// <summary>
/// Turns one choice's tokens into text as they arrive. It emits only text that is final: a token that ends inside a
/// multi-byte character is held until the character completes, and with stop strings the last
/// (longest stop - 1) characters are held, because they could be the start of a stop string that must not be shown.
/// </summary>
internal sealed class ChoiceDecoder(ITextTokenizer tokenizer, IReadOnlyList<string> stops)
{
    private readonly int _holdBack = stops.Count == 0 ? 0 : stops.Max(s => s.Length) - 1;
    private readonly List<int> _pending = [];
    private string _stable = "";
    private int _emitted;

    public List<int> Tokens { get; } = [];

    public List<float> LogProbs { get; } = [];

    public FinishReason? Finish { get; private set; }

    /// <summary>Adds a token and returns the text that is now safe to show (possibly empty).</summary>
    public string Add(int token, float logProb)
    {
        Tokens.Add(token);
        LogProbs.Add(logProb);
        _pending.Add(token);
        string window = DecodeText(tokenizer, _pending);
        if (window.Length > 0 && window[^1] == '\uFFFD') return ""; // an incomplete UTF-8 character: wait
        _stable += window;
        _pending.Clear();
        int cut = StopIndex(_stable);
        int safe = cut >= 0 ? cut : Math.Max(_emitted, _stable.Length - _holdBack);
        return Take(safe);
    }

    /// <summary>Ends the choice and returns the rest of its text (stop string removed).</summary>
    public string Complete(FinishReason reason)
    {
        Finish = reason;
        string full = DecodeText(tokenizer, Tokens);
        int cut = StopIndex(full);
        _stable = cut >= 0 ? full[..cut] : full;
        _pending.Clear();
        return Take(_stable.Length);
    }

    /// <summary>
    /// Text of generated ids, special tokens dropped. Ids past the tokenizer's vocabulary (checkpoints pad the
    /// embedding, e.g. Qwen2.5's 151,936 rows for 151,665 tokens; an untrained model can sample them) have no text.
    /// </summary>
    public static string DecodeText(ITextTokenizer tokenizer, IEnumerable<int> ids) =>
        tokenizer.Decode(ids.Where(id => id >= 0 && id < tokenizer.VocabSize), skipSpecialTokens: true);

    /// <summary>All text shown so far.</summary>
    public string Text => _stable[..Math.Min(_emitted, _stable.Length)];

    private string Take(int end)
    {
        if (end <= _emitted) return "";
        string delta = _stable[_emitted..end];
        _emitted = end;
        return delta;
    }

    private int StopIndex(string text)
    {
        int best = -1;
        foreach (string stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
    }
}
