using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace R1Sharp.IO;

/// <summary>
/// Who holds a <see cref="RunDirectoryLock"/>: written to the holder file beside the lock file right after the lock is
/// taken, and read by a second process to say whom it is waiting for.
/// </summary>
/// <param name="ProcessId">The holder's process id.</param>
/// <param name="Host">The machine it runs on (<see cref="Environment.MachineName"/>).</param>
/// <param name="StartedUtc">When it took the lock (UTC).</param>
/// <param name="CommandLine">Its command line, for a user deciding whether to wait for it.</param>
public sealed record RunLockHolder(
    [property: JsonPropertyName("pid")] int ProcessId,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("started_utc")] DateTime StartedUtc,
    [property: JsonPropertyName("command_line")] string CommandLine)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>This process, now.</summary>
    public static RunLockHolder Current() =>
        new(Environment.ProcessId, Environment.MachineName, DateTime.UtcNow, string.Join(' ', Environment.GetCommandLineArgs()));

    /// <summary>"pid N on HOST, started yyyy-MM-dd HH:mm:ssZ".</summary>
    public string Describe() =>
        $"pid {ProcessId} on {Host}, started {StartedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z";

    /// <summary>The holder file's text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a holder file; null when it is missing or unreadable (the lock itself never depends on it).</summary>
    public static RunLockHolder? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunLockHolder>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
