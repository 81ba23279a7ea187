using System.Text.Json;

namespace R1Sharp.Rewards.Code.TestCases;

/// <summary>
/// Call the Python function <paramref name="FunctionName"/> (a top-level function, or a method of a
/// LeetCode-style <c>class Solution</c>) once per argument list; each return value must equal the expected one.
/// </summary>
/// <param name="FunctionName">The function to call.</param>
/// <param name="Arguments">One positional-argument list per call.</param>
/// <param name="Expected">One expected return value per call (compared as JSON values).</param>
public sealed record FunctionCallTestCase(
    string FunctionName,
    IReadOnlyList<IReadOnlyList<JsonElement>> Arguments,
    IReadOnlyList<JsonElement> Expected) : CodeTestCase;
