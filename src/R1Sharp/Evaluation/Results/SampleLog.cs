using System.Text;
using System.Text.Json;

namespace R1Sharp.Evaluation.Results;

/// <summary>
/// The append-only <c>samples.jsonl</c> of one benchmark. Each judged sample is written as one line and flushed
/// to the operating system at once, so a killed evaluation keeps every sample it finished; reopening the file
/// reads them back so that a rerun skips them. A last line cut off by the kill (no final newline) is dropped.
/// </summary>
public sealed class SampleLog : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly FileStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<(string QuestionId, int SampleIndex), SampleRecord> _latest;

    private SampleLog(string path, FileStream stream, Dictionary<(string, int), SampleRecord> latest, int droppedBytes)
    {
        Path = path;
        _stream = stream;
        _latest = latest;
        DroppedPartialBytes = droppedBytes;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Bytes of a partially written last line that were cut off when the file was opened (0 when none).</summary>
    public int DroppedPartialBytes { get; }

    /// <summary>
    /// The latest record of every (question, sample) written so far, including earlier runs. A failed sample can
    /// be superseded by a later line for the same key, which is how a rerun retries it.
    /// </summary>
    public IReadOnlyCollection<SampleRecord> Records
    {
        get
        {
            lock (_latest) return _latest.Values.ToList();
        }
    }

    /// <summary>Opens (creating if needed) the log at <paramref name="path"/> and reads what earlier runs wrote.</summary>
    /// <exception cref="InvalidDataException">A complete line is not a valid sample record (the file was edited or belongs to something else); names the line.</exception>
    public static async Task<SampleLog> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, useAsync: true);
        try
        {
            var bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            // Lines are written whole and JSON escapes newlines, so everything after the last '\n' is a torn write.
            int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            var latest = Parse(path, bytes.AsSpan(0, end));
            stream.SetLength(end);
            stream.Seek(end, SeekOrigin.Begin);
            return new SampleLog(path, stream, latest, bytes.Length - end);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Dictionary<(string, int), SampleRecord> Parse(string path, ReadOnlySpan<byte> complete)
    {
        var latest = new Dictionary<(string, int), SampleRecord>();
        int lineNumber = 0;
        foreach (var range in complete.Split((byte)'\n'))
        {
            lineNumber++;
            var line = complete[range];
            if (line.Trim("\r\t "u8).IsEmpty) continue;
            SampleRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<SampleRecord>(line, Json);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a sample record ({e.Message})", e);
            }
            if (record is null || string.IsNullOrEmpty(record.QuestionId) || record.SampleIndex < 0)
                throw new InvalidDataException($"{path}:{lineNumber}: sample record without 'question_id' or with a negative 'sample_index'");
            latest[(record.QuestionId, record.SampleIndex)] = record;
        }
        return latest;
    }

    /// <summary>Appends one record as a line and flushes it; safe to call concurrently.</summary>
    public async Task AppendAsync(SampleRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json) + "\n");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One write per line: a kill can tear at most the line being written, which the next open drops.
            await _stream.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            lock (_latest) _latest[(record.QuestionId, record.SampleIndex)] = record;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}
