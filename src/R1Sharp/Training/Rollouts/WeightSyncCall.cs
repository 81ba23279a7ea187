namespace R1Sharp.Training.Rollouts;

/// <summary>One HTTP call of a weight sync: <c>POST</c> to <paramref name="Path"/> (relative to the endpoint) with a JSON body.</summary>
/// <param name="Path">Path relative to the endpoint's base URL, e.g. <c>collective_rpc</c>.</param>
/// <param name="Body">JSON body, or null to send none.</param>
public sealed record WeightSyncCall(string Path, string? Body);
