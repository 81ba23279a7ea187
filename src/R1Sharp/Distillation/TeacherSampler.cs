using System.Text;
using R1Sharp.Data;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.IO;

namespace R1Sharp.Distillation;

/// <summary>
/// Samples n responses per prompt from a teacher (any <see cref="ICompletionBackend"/>: a vLLM/SGLang/OpenAI-style
/// server, or <c>r1 serve</c>), scores each with the reward functions, and appends them to a JSONL file as prompts
/// finish. Resumable: a rerun reads the file, drops prompts left incomplete by a kill, and samples only the rest.
/// A prompt's responses are written together in one append, so a finished prompt is never half on disk.
/// </summary>
public sealed class TeacherSampler
{
    private readonly ICompletionBackend _teacher;
    private readonly RewardComposer? _rewards;
    private readonly TeacherSamplingOptions _options;

    /// <summary>Creates a sampler.</summary>
    /// <param name="teacher">Where the responses come from.</param>
    /// <param name="rewards">Scores each prompt's responses as one batch (each function's score is kept apart; weights are not used); null to score nothing. The caller owns it.</param>
    /// <param name="options">Sampling options.</param>
    public TeacherSampler(ICompletionBackend teacher, RewardComposer? rewards, TeacherSamplingOptions options)
    {
        _teacher = teacher ?? throw new ArgumentNullException(nameof(teacher));
        _rewards = rewards;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SamplesPerPrompt, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
    }

    /// <summary>Samples every prompt of <paramref name="promptsPath"/> not yet in <paramref name="outputPath"/>.</summary>
    /// <param name="promptsPath">Data set with <c>messages</c> or <c>prompt</c>/<c>problem</c>/<c>question</c> (and the gold fields rewards read).</param>
    /// <param name="outputPath">JSONL of <see cref="SampledResponse"/>; created or continued.</param>
    /// <param name="progress">Receives (finished prompts including earlier runs, total prompts) after each prompt.</param>
    /// <param name="cancellationToken">Stops sampling; finished prompts stay in the file.</param>
    /// <exception cref="DatasetFormatException">A prompt row is unusable, or two rows share an id (names the file and line).</exception>
    public async Task<SamplingReport> RunAsync(string promptsPath, string outputPath, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using var outputLock = RunDirectoryLock.AcquireForFile(outputPath);
        var prompts = new List<TeacherPrompt>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in DatasetReader.ReadAsync(promptsPath, cancellationToken).ConfigureAwait(false))
        {
            if (_options.PromptLimit > 0 && prompts.Count >= _options.PromptLimit) break;
            var prompt = TeacherPrompt.FromRow(row, _options.PromptSuffix);
            if (!ids.Add(prompt.Id))
                throw new DatasetFormatException(row.Source, row.Number, $"prompt id '{prompt.Id}' appears twice; ids must be unique for resuming");
            prompts.Add(prompt);
        }

        var done = await FinishedPromptsAsync(outputPath, cancellationToken).ConfigureAwait(false);
        var todo = prompts.Where(p => !done.Contains(p.Id)).ToList();
        int already = prompts.Count - todo.Count;
        int completed = 0, failed = 0;
        string? firstError = null;
        var writeLock = new SemaphoreSlim(1, 1);
        progress?.Report((already, prompts.Count));

        await using (var output = new FileStream(outputPath, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
        {
            await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
                async (prompt, ct) =>
                {
                    var request = new CompletionRequest([.. prompt.Messages.Select(m => new PromptMessage(m.Role, m.Content))], _options.SamplesPerPrompt, _options.Sampling);
                    var completions = await _teacher.CompleteAsync(request, ct).ConfigureAwait(false);
                    var error = completions.FirstOrDefault(c => c.Text is null);
                    if (error is not null)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, $"prompt {prompt.Id}: {error.Error}", null);
                        return;
                    }
                    var lines = new StringBuilder();
                    foreach (var response in await ScoreAsync(prompt, completions, ct).ConfigureAwait(false))
                        lines.Append(SampledResponseFile.ToLine(response)).Append('\n');
                    byte[] bytes = Encoding.UTF8.GetBytes(lines.ToString());
                    await writeLock.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await output.WriteAsync(bytes, ct).ConfigureAwait(false);
                        await output.FlushAsync(ct).ConfigureAwait(false);
                        int finished = Interlocked.Increment(ref completed);
                        progress?.Report((already + finished, prompts.Count));
                    }
                    finally
                    {
                        writeLock.Release();
                    }
                }).ConfigureAwait(false);
        }
        // One request at a time into a fresh file writes prompt order already; only concurrency or a resume can reorder.
        if (completed > 0 && (_options.Concurrency > 1 || already > 0))
            await WriteInPromptOrderAsync(outputPath, prompts, cancellationToken).ConfigureAwait(false);
        return new SamplingReport(prompts.Count, already, completed, failed, firstError);
    }

    /// <summary>
    /// Rewrites the output (atomically) in the prompts' order, each prompt's responses in sample order. Prompts are
    /// appended as their answers arrive, which with <see cref="TeacherSamplingOptions.Concurrency"/> above 1 (or after a
    /// resume) differs from run to run; the order of sft.jsonl, and through it the student's data order, would too.
    /// Responses of prompts no longer in the prompt file (a lower limit on a rerun) keep their place at the end.
    /// </summary>
    private static async Task WriteInPromptOrderAsync(string outputPath, IReadOnlyList<TeacherPrompt> prompts, CancellationToken cancellationToken)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < prompts.Count; i++) rank[prompts[i].Id] = i;
        var lines = (await File.ReadAllLinesAsync(outputPath, cancellationToken).ConfigureAwait(false)).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        int RankOf(string line)
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            return rank.GetValueOrDefault(document.RootElement.GetProperty("prompt_id").GetString()!, int.MaxValue);
        }
        var ordered = lines.Select((line, index) => (Line: line, Rank: RankOf(line), Index: index))
            .OrderBy(l => l.Rank).ThenBy(l => l.Index).Select(l => l.Line).ToList(); // stable: a prompt's lines stay in sample order
        if (!ordered.SequenceEqual(lines, StringComparer.Ordinal))
            await R1Sharp.IO.AtomicFile.WriteAllTextAsync(outputPath, string.Concat(ordered.Select(l => l + "\n")), cancellationToken).ConfigureAwait(false);
    }

    private async Task<SampledResponse[]> ScoreAsync(TeacherPrompt prompt, IReadOnlyList<Completion> completions, CancellationToken cancellationToken)
    {
        var inputs = completions.Select(c => new RewardInput(prompt.Messages[^1].Content, c.Text!, prompt.Row.Fields, c.CompletionTokens ?? 0,
            string.Equals(FinishOf(c), SampledResponse.LengthFinish, StringComparison.Ordinal))).ToList();
        RewardScores? scores = _rewards is null ? null : await _rewards.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false);
        var responses = new SampledResponse[completions.Count];
        for (int i = 0; i < completions.Count; i++)
        {
            var byName = new Dictionary<string, double?>(StringComparer.Ordinal);
            for (int f = 0; f < (scores?.Names.Count ?? 0); f++) byName[scores!.Names[f]] = scores.ScoresOf(f)[i];
            responses[i] = new SampledResponse(prompt.Id, i, prompt.Messages, inputs[i].Completion, FinishOf(completions[i]),
                completions[i].CompletionTokens, byName, prompt.Row.Fields);
        }
        return responses;
    }

    private static string FinishOf(Completion completion) => completion.FinishReason ?? SampledResponse.StopFinish;

    /// <summary>Ids of prompts complete in an existing output. A line torn by a kill and the other responses of
    /// its prompt are removed from the file (rewritten atomically), so they are sampled again.</summary>
    private async Task<HashSet<string>> FinishedPromptsAsync(string outputPath, CancellationToken cancellationToken)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(outputPath)) return finished;
        string content = await File.ReadAllTextAsync(outputPath, cancellationToken).ConfigureAwait(false);
        var kept = new List<(string Id, string Line)>();
        foreach (var line in content.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("prompt_id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String)
                    kept.Add((id.GetString()!, line));
            }
            catch (System.Text.Json.JsonException)
            {
                // Torn last line of a killed run: dropped, its prompt is redone.
            }
        }
        var complete = kept.GroupBy(k => k.Id).Where(g => g.Count() >= _options.SamplesPerPrompt).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var survivors = kept.Where(k => complete.Contains(k.Id)).ToList();
        if (survivors.Count != kept.Count || !content.EndsWith('\n'))
            await R1Sharp.IO.AtomicFile.WriteAllTextAsync(outputPath, string.Concat(survivors.Select(s => s.Line + "\n")), cancellationToken).ConfigureAwait(false);
        finished.UnionWith(complete);
        return finished;
    }
}
