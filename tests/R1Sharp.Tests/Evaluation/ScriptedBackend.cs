using System.Collections.Concurrent;
using R1Sharp.Evaluation.Backends;

namespace R1Sharp.Tests.Evaluation;

/// <summary>
/// An in-memory backend: answers each arithmetic question with <c>\boxed{sum}</c>, or with what <see cref="Answer"/>
/// says, and records every request. After <see cref="CancelAfterSamples"/> samples it cancels the run's token
/// (a simulated kill: the request in flight never returns).
/// </summary>
internal sealed class ScriptedBackend : ICompletionBackend
{
    private int _samplesServed;

    public ConcurrentQueue<CompletionRequest> Requests { get; } = new();

    public Func<int, Completion>? Answer { get; init; }

    public int? CancelAfterSamples { get; init; }

    public CancellationTokenSource? RunCancellation { get; init; }

    public string Description => "scripted";

    public int SamplesRequested => Requests.Sum(r => r.Count);

    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        if (CancelAfterSamples is { } limit && Interlocked.Add(ref _samplesServed, request.Count) > limit)
        {
            RunCancellation!.Cancel();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        int sum = ArithmeticBenchmark.SumIn(request.Messages[^1].Content);
        return Enumerable.Range(0, request.Count)
            .Select(_ => Answer?.Invoke(sum) ?? new Completion($"<think>{sum}</think> \\boxed{{{sum}}}", 7, false, "stop", null))
            .ToList();
    }
}
