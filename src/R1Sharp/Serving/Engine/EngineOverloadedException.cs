namespace R1Sharp.Serving.Engine;

/// <summary>The engine's queue is full: the HTTP layer answers 429 with Retry-After.</summary>
public sealed class EngineOverloadedException(string message) : Exception(message);
