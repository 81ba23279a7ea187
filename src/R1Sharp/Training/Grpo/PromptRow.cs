using System.Text.Json;

namespace R1Sharp.Training.Grpo;

/// <summary>One training prompt: the text given to the model (after the template) and the data-set row its rewards read.</summary>
/// <param name="Prompt">Prompt text, template applied.</param>
/// <param name="Row">The row's fields (e.g. <c>answer</c>) for the reward functions.</param>
public sealed record PromptRow(string Prompt, IReadOnlyDictionary<string, JsonElement> Row);
