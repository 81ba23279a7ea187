using R1Sharp.Training.Grpo;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// The checks of the GRPO-family options (issue 20: importance_sampling_level, cispo/sapo/bnpo, delta, entropy, KL
/// estimators, advantage estimators, reference sync), each message starting with the key the user typed. Called by
/// <see cref="GrpoOptionsValidator.Problems"/>.
/// </summary>
public static class GrpoFamilyOptionsValidator
{
    /// <summary>Adds every problem of the family options of <paramref name="o"/> to <paramref name="problems"/>.</summary>
    public static void AddProblems(GrpoOptions o, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(problems);
        void Require(bool ok, string name, object? value, string rule)
        {
            if (!ok) problems.Add($"{name}: {rule} (got {value})");
        }
        var defaults = new GrpoOptions();
        bool sequence = o.ImportanceSamplingLevel == ImportanceSamplingLevel.Sequence;
        bool clipped = o.LossType is not (GrpoLossType.Cispo or GrpoLossType.Sapo);

        Require(o.SequenceEpsilon is > 0 and < 1, "sequence_epsilon", o.SequenceEpsilon, "must be in (0, 1)");
        Require(o.SequenceEpsilonHigh > 0 && double.IsFinite(o.SequenceEpsilonHigh), "sequence_epsilon_high", o.SequenceEpsilonHigh, "must be a finite number > 0");
        if (sequence && clipped)
        {
            // TRL clips GSPO's ratio with epsilon/epsilon_high; here those keys are token-level only, so a value set
            // for GSPO under TRL's name would silently do nothing. Refuse it and name the key that acts.
            Require(o.EpsilonLow == defaults.EpsilonLow, "epsilon", o.EpsilonLow, "is the token-level clip and has no effect with importance_sampling_level = sequence; GSPO's range is sequence_epsilon (default 3e-4)");
            Require(o.EpsilonHigh == defaults.EpsilonHigh, "epsilon_high", o.EpsilonHigh, "is the token-level clip and has no effect with importance_sampling_level = sequence; GSPO's range is sequence_epsilon_high (default 4e-4)");
        }
        double epsilonHigh = sequence ? o.SequenceEpsilonHigh : o.EpsilonHigh;
        if (o.Delta is double delta)
        {
            Require(clipped, "delta", delta, $"caps the clipped surrogate's ratio and has no effect with loss_type = {Name(o.LossType)}; unset it");
            Require(double.IsFinite(delta) && delta > 1 + epsilonHigh, "delta", delta, $"must exceed 1 + {(sequence ? "sequence_epsilon_high" : "epsilon_high")} = {1 + epsilonHigh} (a lower cap would also clip positive advantages; INTELLECT-2 uses 4)");
        }
        if (o.LossType == GrpoLossType.Cispo)
            Require(o.EpsilonHigh > 1 && double.IsFinite(o.EpsilonHigh), "epsilon_high", o.EpsilonHigh, "with loss_type = cispo is the cap ε_max on the importance weight itself and must be a finite number > 1, or on-policy tokens are scaled down (ScaleRL uses 5)");
        Require(o.SapoTemperaturePos > 0 && double.IsFinite(o.SapoTemperaturePos), "sapo_temperature_pos", o.SapoTemperaturePos, "must be a finite number > 0");
        Require(o.SapoTemperatureNeg > 0 && double.IsFinite(o.SapoTemperatureNeg), "sapo_temperature_neg", o.SapoTemperatureNeg, "must be a finite number > 0");

        Require(o.EntropyCoef >= 0 && double.IsFinite(o.EntropyCoef), "entropy_coef", o.EntropyCoef, "must be a finite number ≥ 0");
        if (o.EntropyCoef > 0)
            Require(o.LogprobChunkSize == 0, "entropy_coef", o.EntropyCoef, $"needs the entropy's gradient, which the chunked log-prob path does not compute; set logprob_chunk_size: 0 (now {o.LogprobChunkSize})");
        Require(o.TopEntropyQuantile is >= 0 and <= 1, "top_entropy_quantile", o.TopEntropyQuantile, "must be in [0, 1] (1 keeps every token)");

        if (o.UseKlInReward)
            Require(o.Beta > 0, "use_kl_in_reward", true, "needs beta > 0: with beta = 0 there is no reference model and no KL to fold into the reward");
        if (o.AdvEstimator != AdvantageEstimator.Grpo)
            Require(o.ScaleRewards == defaults.ScaleRewards, "scale_rewards", Name(o.ScaleRewards),
                $"applies to adv_estimator = grpo only; {Name(o.AdvEstimator)} fixes its own scale (rloo: none; reinforce_plus_plus_baseline: the step's std)");

        Require(o.RefModelMixupAlpha is >= 0 and <= 1, "ref_model_mixup_alpha", o.RefModelMixupAlpha, "must be in [0, 1]");
        Require(o.RefModelSyncSteps >= 1, "ref_model_sync_steps", o.RefModelSyncSteps, "must be at least 1");
        if (o.SyncRefModel)
        {
            Require(o.Beta > 0, "sync_ref_model", true, "needs beta > 0: with beta = 0 no reference model is loaded, so there is nothing to synchronise");
            Require(!o.UsePeft, "sync_ref_model", true, "is not supported with use_peft: π_ref is then the policy with its adapters off, not a separate model (as TRL)");
        }

        // issue 20: tools
        foreach (var tool in o.Tools)
            Require(KnownTools.Contains(tool), "tools", tool, $"names a tool that does not exist (known: {string.Join(", ", KnownTools)})");
        Require(o.Tools.Distinct(StringComparer.Ordinal).Count() == o.Tools.Count, "tools", string.Join(", ", o.Tools), "lists a tool twice");
        Require(o.MaxToolCallingIterations >= 1, "max_tool_calling_iterations", o.MaxToolCallingIterations, "must be at least 1");
        Require(o.ToolTimeout > 0 && double.IsFinite(o.ToolTimeout), "tool_timeout", o.ToolTimeout, "must be a finite number of seconds > 0");
        Require(o.ToolOutputMaxBytes >= 1, "tool_output_max_bytes", o.ToolOutputMaxBytes, "must be at least 1");
    }

    /// <summary>
    /// Tools a configuration can name (issue 20): <c>python</c> (the sandbox) and <c>calculator</c> (the exact arithmetic tool
    /// <c>r1 zero --tools</c> trains with, so its checkpoints are evaluated with it). Other .NET functions are registered in code (<c>R1Sharp.Tools.FunctionTool</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> KnownTools = [R1Sharp.Tools.ToolCallParser.PythonToolName, Zero.Tools.ZeroToolCalls.CalculatorName];

    private static string Name<T>(T value) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
