using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using R1Sharp.IO;
using R1Sharp.Verify;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 verify`: judges JSONL lines {"gold", "response", "id"?} and writes one line per input
/// {"id", "correct", "extracted", "error"?}, in input order, using all cores. A line that is not valid JSON or
/// lacks a field produces an output line with "correct": false and an "error" naming the line number; the run
/// continues and the exit code is 1 when any line was bad.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo?>("--input") { Description = "JSONL file with gold and response per line (default: stdin)." };
        var output = new Option<FileInfo?>("--output", "--out") { Description = "Where to write the verdicts (default: stdout). Written to a temporary file, then renamed." };
        var lastNumber = new Option<bool>("--last-number-fallback") { Description = "Benchmark presets only: fall back to the last number in the text (never for rewards)." };
        var command = new Command("verify", "Check math answers against gold answers (docs/verifier-policy.md).") { input, output, lastNumber };
        command.SetGuardedAction(async (parseResult, ct) =>
        {
            var options = new VerifyOptions { Extraction = new ExtractionOptions { LastNumberFallback = parseResult.GetValue(lastNumber) } };
            return await RunAsync(parseResult.GetValue(input), parseResult.GetValue(output), options, ct);
        });
        return command;
    }

    // Keeps LaTeX readable in the output (no \u0027-style escapes); the output is a file, not HTML.
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static async Task<int> RunAsync(FileInfo? inputFile, FileInfo? outputFile, VerifyOptions options, CancellationToken ct)
    {
        using var outputLock = outputFile is null ? null : RunDirectoryLock.AcquireForFile(outputFile.FullName);
        string[] lines;
        try
        {
            lines = inputFile is null
                ? (await Console.In.ReadToEndAsync(ct)).Split('\n')
                : await File.ReadAllLinesAsync(inputFile.FullName, ct);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"r1 verify: cannot read {inputFile?.FullName}: {ex.Message}");
            return 2;
        }
        var results = new string?[lines.Length];
        int bad = 0;
        int done = 0;
        var progress = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForAsync(0, lines.Length, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, _) =>
        {
            if (string.IsNullOrWhiteSpace(lines[i])) return ValueTask.CompletedTask;
            results[i] = VerifyLine(lines[i], i + 1, inputFile?.Name ?? "stdin", options, ref bad);
            int n = Interlocked.Increment(ref done);
            if (outputFile is not null && n % 1000 == 0 && progress.Elapsed.TotalSeconds > 2)
                Console.Error.WriteLine($"r1 verify: {n}/{lines.Length} lines");
            return ValueTask.CompletedTask;
        });
        var text = new StringBuilder();
        foreach (var line in results) if (line is not null) text.Append(line).Append('\n');
        if (outputFile is null)
        {
            await Console.Out.WriteAsync(text.ToString());
        }
        else
        {
            // Temporary file then rename: an interrupted run never leaves a half-written output.
            await AtomicFile.WriteAllTextAsync(outputFile.FullName, text.ToString(), ct);
        }
        // Malformed lines still get a verdict line (correct: false, with the error), so the output stays aligned.
        return bad > 0 ? ExitCodes.Usage : ExitCodes.Success;
    }

    private static string VerifyLine(string line, int lineNumber, string source, VerifyOptions options, ref int bad)
    {
        var result = new JsonObject();
        try
        {
            var row = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not a JSON object");
            result["id"] = row["id"]?.DeepClone();
            string gold = FieldText(row, "gold") ?? throw new JsonException("missing field \"gold\"");
            string response = FieldText(row, "response") ?? throw new JsonException("missing field \"response\"");
            var verdict = MathVerifier.Verify(gold, response, options);
            result["correct"] = verdict.Correct;
            result["extracted"] = verdict.Extracted;
            if (verdict.Error is not null) result["error"] = verdict.Error;
        }
        catch (JsonException ex)
        {
            Interlocked.Increment(ref bad);
            result["correct"] = false;
            result["extracted"] = null;
            result["error"] = $"{source} line {lineNumber}: {ex.Message}";
        }
        return result.ToJsonString(OutputJson);
    }

    private static string? FieldText(JsonObject row, string name) => row[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };
}
