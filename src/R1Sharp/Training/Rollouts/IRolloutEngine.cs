namespace R1Sharp.Training.Rollouts;

/// <summary>
/// Produces completions for GRPO. The default runs the policy in-process (<see cref="InProcessRolloutEngine"/>);
/// an engine backed by an OpenAI-compatible server (vLLM, SGLang, llama.cpp, <c>r1 serve</c>) scales generation
/// out, which is most of an RL step's time. Engines that hold their own copy of the weights are told after each
/// optimizer step through <see cref="OnPolicyUpdatedAsync"/>.
/// </summary>
public interface IRolloutEngine
{
    /// <summary>One completion per entry of <paramref name="prompts"/> (repeat a prompt G times for a group), in order.</summary>
    Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken);

    /// <summary>Called after every optimizer step so remote engines can reload weights; in-process engines share them.</summary>
    Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken);

    /// <summary>Called once before a fresh run's first sample (a resumed run gets <see cref="OnResumedAsync"/> instead): engines whose
    /// servers cannot sample the initial policy as they are load it first (vLLM with LoRA: the adapter's name exists only once
    /// loaded). An explicit step, so that in a data-parallel run rank 0 alone does it before any rank samples. Default: nothing.</summary>
    Task OnFreshStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once when a run resumes from the checkpoint of <paramref name="step"/>, before it samples: remote engines load
    /// that checkpoint's weights (their copy may be older, or half-loaded by a failed sync). Default: nothing.</summary>
    Task OnResumedAsync(int step, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True when the samples come from another implementation of the policy (vLLM, SGLang), whose log-probs differ from
    /// the trainer's: GRPO then applies <c>vllm_importance_sampling_correction</c>. Default false.</summary>
    bool SamplesElsewhere => false;

    /// <summary>True when <see cref="GenerateAsync"/> honours <see cref="RolloutSettings.GroupSeeds"/> (issue 17): each group of the
    /// request gives the completions a request of that group alone, seeded by its group seed, would. A data-parallel rank then
    /// samples all of its groups in one request; otherwise it sends one request per group. Default false.</summary>
    bool SeedsEachGroup => false;
}
