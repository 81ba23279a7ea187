namespace R1Sharp.Serving.Protocol;

/// <summary>A request the server refuses (400): the message says what is wrong, <see cref="Param"/> names the field.</summary>
public sealed class RequestValidationException(string? param, string message) : Exception(message)
{
    /// <summary>The offending request field, as OpenAI's error body reports it.</summary>
    public string? Param { get; } = param;
}
