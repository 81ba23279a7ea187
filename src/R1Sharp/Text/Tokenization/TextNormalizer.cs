using System.Text;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// The tokenizer.json <c>normalizer</c>: a chain of Unicode normalizations (NFC for Qwen2) applied to the text
/// between added tokens before it is split and byte-encoded.
/// </summary>
internal sealed class TextNormalizer
{
    private readonly IReadOnlyList<Func<string, string>> _steps;

    public TextNormalizer(IReadOnlyList<Func<string, string>> steps, string description)
    {
        _steps = steps;
        Description = description;
    }

    /// <summary>No normalization (Llama 3, GPT-2).</summary>
    public static TextNormalizer None { get; } = new([], "none");

    /// <summary>Unicode NFC, as Qwen2's tokenizer does.</summary>
    public static TextNormalizer Nfc { get; } = new([FromForm(NormalizationForm.FormC)], "NFC");

    /// <summary>What the chain does, for messages and docs.</summary>
    public string Description { get; }

    public string Normalize(string text)
    {
        foreach (var step in _steps) text = step(text);
        return text;
    }

    public static Func<string, string> FromForm(NormalizationForm form) =>
        text => text.IsNormalized(form) ? text : text.Normalize(form);
}
