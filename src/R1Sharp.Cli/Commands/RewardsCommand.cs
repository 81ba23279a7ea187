using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.IO;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 rewards list` shows the reward names a <c>--reward</c> spec may use; `r1 rewards score` scores a file of
/// completions with a spec, so rewards can be checked on real samples before a training run depends on them.
/// </summary>
internal static class RewardsCommand
{
    // Completions are full of <, > and +; keep the output file readable (it is data, never embedded in HTML).
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The registry the CLI resolves reward names with. The integrator registers accuracy and code here.</summary>
    public static RewardRegistry Registry() => RewardRegistry.CreateDefault();

    public static Command Create()
    {
        var command = new Command("rewards", "List the reward functions, or score a file of completions with a weighted reward spec.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateScore());
        return command;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "Show the reward names usable in --reward specs, with their score ranges.");
        list.SetGuardedAction(parseResult =>
        {
            var registry = Registry();
            var output = parseResult.InvocationConfiguration.Output;
            foreach (string name in registry.Names)
                output.WriteLine($"{name,-12} {registry.DescriptionOf(name)}");
            output.WriteLine();
            output.WriteLine("Spec: name[(key=value;...)][:weight],...  e.g. format(mode=think_only):0.5,repetition(ngram_size=4):0.2");
            return 0;
        });
        return list;
    }

    private static Command CreateScore()
    {
        var data = new Option<FileInfo>("--data") { Description = "Completions to score: .jsonl, .json or .parquet rows holding the prompt, the completion and the data-set fields.", Required = true };
        var reward = new Option<string>("--reward") { Description = "Weighted reward spec, e.g. format:0.5,tag_count:1 (see `r1 rewards list`).", Required = true };
        var completionField = new Option<string>("--completion-field") { Description = "Row field holding the completion text.", DefaultValueFactory = _ => "completion" };
        var promptField = new Option<string>("--prompt-field") { Description = "Row field holding the prompt (may be absent: empty prompt).", DefaultValueFactory = _ => "prompt" };
        var tokensField = new Option<string>("--tokens-field") { Description = "Row field holding the completion's token count (length rewards need it).", DefaultValueFactory = _ => "completion_tokens" };
        var output = new Option<FileInfo?>("--output", "--out") { Description = "Write each row with its per-reward scores and weighted total as JSON Lines (written atomically)." };
        var batch = new Option<int>("--batch-size") { Description = "Completions scored together.", DefaultValueFactory = _ => 256 };

        var score = new Command("score", "Score a file of completions with a reward spec and print each reward's mean, spread and coverage.")
        {
            data, reward, completionField, promptField, tokensField, output, batch,
        };
        score.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            var settings = new ScoreSettings(
                parseResult.GetValue(data)!.FullName, parseResult.GetValue(reward)!, parseResult.GetValue(completionField)!,
                parseResult.GetValue(promptField)!, parseResult.GetValue(tokensField)!, parseResult.GetValue(output)?.FullName,
                parseResult.GetValue(batch));
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            return await ScoreAsync(settings, stdout, cancellationToken);
        });
        return score;
    }

    private sealed record ScoreSettings(string Data, string Spec, string CompletionField, string PromptField, string TokensField, string? Output, int BatchSize);

    private static async Task<int> ScoreAsync(ScoreSettings settings, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (settings.BatchSize < 1) throw new RewardConfigurationException($"--batch-size is {settings.BatchSize}; it must be at least 1.");
        using var outputLock = settings.Output is { } output ? RunDirectoryLock.AcquireForFile(output) : null;
        await using RewardComposer composer = Registry().CreateComposer(settings.Spec);
        IReadOnlyList<DatasetRow> rows = await DatasetReader.ReadAllAsync(settings.Data, cancellationToken);
        var inputs = new RewardInput[rows.Count];
        for (int i = 0; i < rows.Count; i++) inputs[i] = ToInput(rows[i], settings);

        var scores = new List<RewardScores>();
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async progress =>
        {
            var task = progress.AddTask("scoring", maxValue: Math.Max(1, inputs.Length));
            for (int start = 0; start < inputs.Length; start += settings.BatchSize)
            {
                RewardInput[] chunk = inputs[start..Math.Min(inputs.Length, start + settings.BatchSize)];
                try
                {
                    scores.Add(await composer.ScoreAsync(chunk, cancellationToken));
                }
                catch (RewardEvaluationException e)
                {
                    // Report the failing row by its place in the file rather than its index in the batch.
                    DatasetRow row = rows[start + e.CompletionIndex];
                    throw new RewardEvaluationException(e.FunctionName, start + e.CompletionIndex, $"{row.Location}: {e.InnerException?.Message ?? e.Message}", e);
                }
                task.Increment(chunk.Length);
            }
        });

        if (settings.Output is { } path) await WriteScoredRowsAsync(path, rows, composer.Labels, scores, cancellationToken);
        PrintSummary(stdout, composer, scores, rows.Count);
        return 0;
    }

    private static RewardInput ToInput(DatasetRow row, ScoreSettings settings)
    {
        string completion = row.GetString(settings.CompletionField)
            ?? throw new DatasetFormatException(row.Source, row.Number,
                $"field '{settings.CompletionField}' is missing (fields present: {string.Join(", ", row.Fields.Keys)}; choose one with --completion-field)");
        string prompt = row.GetString(settings.PromptField) ?? "";
        int tokens = 0;
        string? tokenText = row.GetString(settings.TokensField);
        if (tokenText is not null && (!int.TryParse(tokenText, out tokens) || tokens < 0))
            throw new DatasetFormatException(row.Source, row.Number, $"field '{settings.TokensField}' = '{tokenText}' is not a non-negative whole number");
        return new RewardInput(prompt, completion, row.Fields, tokens);
    }

    private static Task WriteScoredRowsAsync(string path, IReadOnlyList<DatasetRow> rows, IReadOnlyList<string> labels, List<RewardScores> batches, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            int rowIndex = 0;
            foreach (RewardScores batch in batches)
            {
                for (int i = 0; i < batch.Count; i++, rowIndex++)
                {
                    var line = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (key, value) in rows[rowIndex].Fields) line[key] = value;
                    var perReward = new Dictionary<string, double?>(StringComparer.Ordinal);
                    for (int f = 0; f < labels.Count; f++) perReward[labels[f]] = batch.ScoresOf(f)[i];
                    line["rewards"] = perReward;
                    line["reward"] = batch.Totals[i];
                    await writer.WriteLineAsync(JsonSerializer.Serialize(line, OutputJson).AsMemory(), ct);
                }
            }
            await writer.FlushAsync(ct);
        }, cancellationToken);

    private static void PrintSummary(TextWriter stdout, RewardComposer composer, List<RewardScores> batches, int count)
    {
        stdout.WriteLine($"{count} completions");
        stdout.WriteLine($"{"reward",-16} {"weight",8} {"mean",9} {"std",9} {"scored",8}");
        for (int f = 0; f < composer.Labels.Count; f++)
        {
            double?[] all = [.. batches.SelectMany(b => b.ScoresOf(f))];
            double[] present = [.. all.Where(s => s.HasValue).Select(s => s!.Value)];
            double mean = present.Length == 0 ? double.NaN : present.Average();
            double std = present.Length == 0 ? double.NaN : Math.Sqrt(present.Average(v => (v - mean) * (v - mean)));
            stdout.WriteLine($"{composer.Labels[f],-16} {composer.Rewards[f].Weight,8:G4} {mean,9:F4} {std,9:F4} {present.Length,8}");
        }
        double[] totals = [.. batches.SelectMany(b => b.Totals)];
        stdout.WriteLine($"{"total",-16} {"",8} {(totals.Length == 0 ? double.NaN : totals.Average()),9:F4}");
    }
}
