using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Pipeline;

/// <summary>Builds summary.json from the stage records: figures, paired effects against the previous stage, the language ablation.</summary>
public static class PipelineSummaries
{
    /// <summary>The quantities of every stage, in summary order.</summary>
    public static IReadOnlyList<string> Quantities { get; } = ["pass1", "language_consistency", "rm_score", "mean_length"];

    /// <summary>
    /// The direction in which the paper says a stage moves a quantity (null where it says nothing): the cold start makes
    /// reasoning readable (consistent) and long; reasoning RL raises accuracy; rejection SFT adds general (chat) ability;
    /// the last RL stage raises helpfulness (rm_score).
    /// </summary>
    public static string? PaperDirection(string stage, string quantity) => (stage, quantity) switch
    {
        (PipelineStages.ColdStart, "language_consistency") => "up",
        (PipelineStages.ColdStart, "mean_length") => "up",
        (PipelineStages.ReasoningRl, "pass1") => "up",
        (PipelineStages.RejectionSft, "rm_score") => "up",
        (PipelineStages.AllScenarioRl, "rm_score") => "up",
        _ => null,
    };

    /// <summary>The figures of one evaluation.</summary>
    public static StageFigures Figures(string name, StageEvaluation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new StageFigures(name, e.Pass1, e.LanguageConsistency, e.RmScore, e.MeanLength) { Pass1ByFamily = e.Pass1ByFamily };
    }

    /// <summary>Per-unit values of a quantity (problems, or chat prompts for rm_score).</summary>
    public static IReadOnlyList<double> Units(StageEvaluation e, string quantity)
    {
        ArgumentNullException.ThrowIfNull(e);
        return quantity switch
        {
            "pass1" => e.Pass1ByProblem,
            "language_consistency" => e.ConsistencyByProblem,
            "rm_score" => e.RmScoreByPrompt,
            "mean_length" => e.LengthByProblem,
            _ => throw new ArgumentException($"unknown quantity '{quantity}'", nameof(quantity)),
        };
    }

    /// <summary>The summary of a finished run.</summary>
    public static PipelineSummary Build(PipelineOptions options, IReadOnlyDictionary<string, StageRecord> records, StageRecord? withoutLanguage,
        double seconds, double cpuSeconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(records);
        var effects = new List<StageEffect>();
        for (int i = 1; i < PipelineStages.Order.Count; i++)
        {
            string stage = PipelineStages.Order[i];
            var now = records[stage].Evaluation;
            var before = records[PipelineStages.Order[i - 1]].Evaluation;
            foreach (var q in Quantities)
            {
                var change = PairedBootstrap.Difference(Units(now, q), Units(before, q), seed: options.Seed);
                string? direction = PaperDirection(stage, q);
                bool? asInPaper = direction is null ? null : direction == "up" ? change.Low > 0 : change.High < 0;
                effects.Add(new StageEffect(stage, q, change, direction, asInPaper));
            }
        }
        LanguageAblation? ablation = null;
        if (withoutLanguage is not null)
        {
            var with = records[PipelineStages.ReasoningRl].Evaluation;
            var without = withoutLanguage.Evaluation;
            ablation = new LanguageAblation(Figures(PipelineStages.ReasoningRl, with), Figures(PipelineStages.ReasoningRlWithoutLanguage, without),
                with.MixedLanguageRate, without.MixedLanguageRate,
                PairedBootstrap.Difference(with.ConsistencyByProblem, without.ConsistencyByProblem, seed: options.Seed),
                PairedBootstrap.Difference(with.Pass1ByProblem, without.Pass1ByProblem, seed: options.Seed));
        }
        var details = PipelineStages.Order.ToDictionary(s => s, s =>
        {
            var r = records[s];
            var d = new Dictionary<string, double>(r.Details)
            {
                ["mixed_language_rate"] = r.Evaluation.MixedLanguageRate,
                ["format"] = r.Evaluation.Format,
                ["chat_judge"] = r.Evaluation.ChatJudge,
                ["seconds"] = r.Seconds,
            };
            return (IReadOnlyDictionary<string, double>)d;
        });
        var first = records[PipelineStages.Base].Evaluation;
        return new PipelineSummary
        {
            Stages = [.. PipelineStages.Order.Select(s => Figures(s, records[s].Evaluation))],
            Seconds = seconds,
            CpuSeconds = cpuSeconds,
            Effects = effects,
            LanguageAblation = ablation,
            Details = details,
            Seed = options.Seed,
            Evaluation = new Dictionary<string, int>
            {
                ["held_out_problems"] = first.Pass1ByProblem.Count,
                ["held_out_chat_prompts"] = first.RmScoreByPrompt.Count,
                ["samples_per_prompt"] = options.EvalSamples,
                ["samples_per_chat_prompt"] = options.ChatEvalSamples,
            },
        };
    }
}
