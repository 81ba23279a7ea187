using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using R1Sharp.IO;
using R1Sharp.Tasks;

namespace R1Sharp.Training.Zero;

/// <summary>
/// What an <c>r1 zero</c> run trained and was evaluated on, written into <c>DIR/data/</c> so that anyone can recount
/// the overlap between the held-out split and the training streams without this code (docs/zero.md, "Run data"):
/// <c>heldout.jsonl</c> (one line per held-out problem), <c>rl_prompts.jsonl</c> (every prompt GRPO drew, in order)
/// and <c>pretrain.jsonl.gz</c> (every pre-training document, in order, with its <c>text</c>). A line holds
/// <c>family</c> and <c>question</c>, then for Countdown <c>numbers</c> (as drawn) and <c>target</c>, for the other
/// families <c>expression</c> and <c>answer</c>. The streams are functions of the seed and the index, so the files
/// are the same whether a run was resumed or not; each is written whole through <see cref="AtomicFile"/>.
/// </summary>
public static class ZeroRunData
{
    /// <summary>The folder inside the run directory.</summary>
    public const string DirectoryName = "data";

    /// <summary>The held-out problems.</summary>
    public const string HeldOutFileName = "heldout.jsonl";

    /// <summary>The RL prompts, in the order GRPO drew them.</summary>
    public const string RlPromptsFileName = "rl_prompts.jsonl";

    /// <summary>The pre-training documents, in order (gzip).</summary>
    public const string PretrainFileName = "pretrain.jsonl.gz";

    /// <summary>Writes <c>heldout.jsonl</c> and <c>pretrain.jsonl.gz</c> (documents 0 … steps·batch − 1).</summary>
    /// <param name="runDirectory">The run's output directory.</param>
    /// <param name="suite">The run's tasks.</param>
    /// <param name="noise">The run's corpus settings.</param>
    /// <param name="documents">Pre-training documents the run reads.</param>
    /// <param name="keepExisting">Leave files that already exist (a resumed run: they hold the same lines).</param>
    /// <param name="cancellationToken">Cancels between lines.</param>
    public static void WriteBeforeTraining(string runDirectory, TaskSuite suite, CorpusNoise noise, long documents, bool keepExisting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(noise);
        string heldOut = PathOf(runDirectory, HeldOutFileName);
        if (!(keepExisting && File.Exists(heldOut)))
            WriteLines(heldOut, compress: false, suite.HeldOut.Count, (i, writer) => Write(writer, suite.HeldOut[(int)i], text: null), cancellationToken);
        string pretrain = PathOf(runDirectory, PretrainFileName);
        if (!(keepExisting && File.Exists(pretrain)))
        {
            WriteLines(pretrain, compress: true, documents, (i, writer) =>
            {
                var (prompt, completion) = SyntheticCorpus.Document(suite, i, noise);
                Write(writer, suite.TrainingProblem(i, SyntheticCorpus.Stream), prompt + completion);
            }, cancellationToken);
        }
    }

    /// <summary>Writes <c>rl_prompts.jsonl</c>: prompts 0 … <paramref name="promptsDrawn"/> − 1 of the RL stream.</summary>
    public static void WriteRlPrompts(string runDirectory, TaskSuite suite, long promptsDrawn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suite);
        WriteLines(PathOf(runDirectory, RlPromptsFileName), compress: false, promptsDrawn,
            (i, writer) => Write(writer, suite.TrainingProblem(i, TaskPromptSource.Stream), text: null), cancellationToken);
    }

    /// <summary>The path of <paramref name="fileName"/> in <paramref name="runDirectory"/>'s data folder.</summary>
    public static string PathOf(string runDirectory, string fileName) => Path.Combine(runDirectory, DirectoryName, fileName);

    /// <summary>One line's fields for <paramref name="problem"/> (and the document's <paramref name="text"/> when given).</summary>
    public static void Write(Utf8JsonWriter writer, ReasoningProblem problem, string? text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(problem);
        writer.WriteStartObject();
        writer.WriteString("family", problem.Family);
        writer.WriteString("question", problem.Question);
        if (problem.Family == "countdown")
        {
            writer.WriteStartArray("numbers");
            foreach (int n in problem.Numbers) writer.WriteNumberValue(n);
            writer.WriteEndArray();
            writer.WriteNumber("target", problem.Target);
        }
        else
        {
            writer.WriteString("expression", problem.Expression);
            writer.WriteNumber("answer", problem.Target);
        }
        if (text is not null) writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteLines(string path, bool compress, long count, Action<long, Utf8JsonWriter> line, CancellationToken cancellationToken) =>
        AtomicFile.Write(path, file =>
        {
            // The file stream buffers (1 MiB); the compressor is closed before AtomicFile flushes the file to disk.
            using var compressed = compress ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : null;
            var target = compressed ?? file;
            using var writer = new Utf8JsonWriter(target, LineOptions);
            for (long i = 0; i < count; i++)
            {
                if (i % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
                line(i, writer);
                writer.Flush();
                writer.Reset();
                target.WriteByte((byte)'\n');
            }
        });
}
