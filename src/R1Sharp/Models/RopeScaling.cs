namespace R1Sharp.Models;

/// <summary>
/// The <c>rope_scaling</c> block of a Hugging Face config.json. Only the <c>llama3</c> rule (Llama 3.1/3.2 and
/// DeepSeek-R1-Distill-Llama) is implemented; <see cref="ModelConfig.Parse"/> rejects any other type by name rather
/// than silently running with the wrong frequencies.
/// </summary>
/// <param name="RopeType">The <c>rope_type</c> (or legacy <c>type</c>) value, e.g. <c>llama3</c>.</param>
/// <param name="Factor">How much the context was extended (<c>factor</c>; 8 for Llama 3.1, 32 for Llama 3.2).</param>
/// <param name="LowFreqFactor"><c>low_freq_factor</c> (Llama 3: 1).</param>
/// <param name="HighFreqFactor"><c>high_freq_factor</c> (Llama 3: 4).</param>
/// <param name="OriginalMaxPositionEmbeddings"><c>original_max_position_embeddings</c> (Llama 3: 8192).</param>
public sealed record RopeScaling(
    string RopeType,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings)
{
    /// <summary>The rope type string of the Llama 3 frequency rule.</summary>
    public const string Llama3 = "llama3";
}
