using System.Text.Json;

namespace R1Sharp.RewardModels;

/// <summary>A <c>/classify</c> request as <see cref="RewardModelServer"/> reads it (vLLM's fields).</summary>
/// <param name="Inputs">The texts (<c>input</c>: a string or a list of strings).</param>
/// <param name="UseActivation"><c>use_activation</c> (vLLM's name; <c>activation</c> before it): σ of the score. Default true.</param>
/// <param name="TruncateTo"><c>truncate_prompt_tokens</c>: keep the last this many tokens; −1 = the context length; null = refuse longer texts.</param>
internal sealed record ClassifyRequest(IReadOnlyList<string> Inputs, bool UseActivation, int? TruncateTo)
{
    /// <summary>Parses and checks a request body.</summary>
    /// <exception cref="ArgumentException">What is wrong, naming the field.</exception>
    public static ClassifyRequest Parse(string body, string servedModel)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the request body is not JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException("the request body must be a JSON object");
            if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString() != servedModel)
                throw new ArgumentException($"model '{model.GetString()}' is not served here (this server serves '{servedModel}')");
            if (!root.TryGetProperty("input", out var input)) throw new ArgumentException("'input' is required");
            var inputs = input.ValueKind switch
            {
                JsonValueKind.String => [input.GetString()!],
                JsonValueKind.Array when input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => input.EnumerateArray().Select(e => e.GetString()!).ToList(),
                _ => throw new ArgumentException("'input' must be a string or a list of strings"),
            };
            if (inputs.Count == 0) throw new ArgumentException("'input' is an empty list");
            bool activation = Flag(root, "use_activation") ?? Flag(root, "activation") ?? true;
            int? truncate = null;
            if (root.TryGetProperty("truncate_prompt_tokens", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (!t.TryGetInt32(out int k) || (k < 1 && k != -1)) throw new ArgumentException("'truncate_prompt_tokens' must be a positive integer or -1");
                truncate = k == -1 ? int.MaxValue : k;
            }
            return new ClassifyRequest(inputs, activation, truncate);
        }
    }

    private static bool? Flag(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new ArgumentException($"'{name}' must be true or false");
}
