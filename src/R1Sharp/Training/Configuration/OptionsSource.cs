using System.Text.Json.Nodes;

namespace R1Sharp.Training.Configuration;

/// <summary>One layer of settings for <see cref="OptionsSchema{TOptions}.LoadLayeredAsync"/>; later layers win.</summary>
/// <param name="Settings">Key (canonical or alias) to value.</param>
/// <param name="Origin">What to name as the values' origin in messages (a file, "--learning-rate", "--set").</param>
public sealed record OptionsSource(JsonObject Settings, string Origin);
