using System.Text;
using R1Sharp.Distributed;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.DataParallel;

/// <summary>
/// Remote rollouts in a data-parallel run (issue 17). After each optimizer step every rank holds the same weights, so
/// rank 0 alone writes them and has the servers load them (its engine holds the policy writer; the other ranks' engines
/// are built without one and only sample). Rank 0 then broadcasts the outcome: every rank goes on, and requests the
/// completions of its own share of the next step's groups, or every rank throws the same
/// <see cref="RolloutSyncException"/> (<see cref="RolloutSyncException.ThrownOnEveryRank"/>), so none is left waiting and
/// every rank exits with the same message. Each sync point broadcasts on every rank whether or not the engine loads
/// weights at that step (<c>rollout_sync_steps</c>), so the ranks call the collective in the same order; it costs one
/// broadcast of a few bytes per step. Sampling passes through: its seeds come from the step and the group's global index
/// (<see cref="Grpo.GrpoStep"/>), not from the rank.
/// </summary>
/// <param name="engine">This rank's engine: on rank 0 the one that pushes weights, elsewhere one that only samples.</param>
/// <param name="ranks">The job's ranks.</param>
public sealed class RankZeroWeightSync(IRolloutEngine engine, ICollectiveBackend ranks) : IRolloutEngine, IDisposable
{
    /// <inheritdoc />
    public bool SamplesElsewhere => engine.SamplesElsewhere;

    /// <inheritdoc />
    public bool SeedsEachGroup => engine.SeedsEachGroup;

    /// <inheritdoc />
    public Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken) =>
        engine.GenerateAsync(prompts, settings, cancellationToken);

    /// <inheritdoc />
    public Task OnFreshStartAsync(CancellationToken cancellationToken) =>
        OnRankZeroAsync(0, () => engine.OnFreshStartAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken) =>
        OnRankZeroAsync(step, () => engine.OnPolicyUpdatedAsync(step, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task OnResumedAsync(int step, CancellationToken cancellationToken) =>
        OnRankZeroAsync(step, () => engine.OnResumedAsync(step, cancellationToken), cancellationToken);

    /// <summary>Disposes the wrapped engine.</summary>
    public void Dispose() => (engine as IDisposable)?.Dispose();

    // Rank 0 syncs; its verdict (empty: success, else the message) reaches every rank, which goes on or throws it.
    private async Task OnRankZeroAsync(int step, Func<Task> sync, CancellationToken cancellationToken)
    {
        string failure = "";
        Exception? cause = null;
        if (ranks.Rank == 0)
        {
            try
            {
                await sync().ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                cause = e;
                failure = e is RolloutSyncException ? e.Message : $"rollout weight sync at step {step} failed on rank 0: {e.Message}. The run stopped; its last checkpoint is intact.";
            }
        }
        string verdict = Encoding.UTF8.GetString(ranks.Broadcast(Encoding.UTF8.GetBytes(failure), 0));
        if (verdict.Length > 0) throw new RolloutSyncException(verdict, cause) { ThrownOnEveryRank = true };
    }
}
