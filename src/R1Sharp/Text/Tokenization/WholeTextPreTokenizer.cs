using Microsoft.ML.Tokenizers;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// Hands the whole input to the BPE model as one word. We split text ourselves (added tokens, the model's regex,
/// surrogate-aware) before calling Microsoft.ML.Tokenizers, so its own pre-tokenizer must not split again.
/// </summary>
internal sealed class WholeTextPreTokenizer : PreTokenizer
{
    public static readonly WholeTextPreTokenizer Instance = new();

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        if (!string.IsNullOrEmpty(text)) yield return (0, text.Length);
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        return text.IsEmpty ? [] : [(0, text.Length)];
    }
}
