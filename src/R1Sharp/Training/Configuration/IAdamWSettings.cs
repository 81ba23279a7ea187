namespace R1Sharp.Training.Configuration;

/// <summary>
/// The optimizer and schedule keys that <c>r1 sft</c> and <c>r1 rm</c> share with transformers'
/// <c>TrainingArguments</c> (each record documents its own defaults); <see cref="AdamWSettingsChecks"/> holds
/// their range checks.
/// </summary>
public interface IAdamWSettings
{
    /// <summary><c>learning_rate</c>: AdamW peak learning rate.</summary>
    double LearningRate { get; }

    /// <summary><c>min_lr_rate</c>: final learning rate as a fraction of the peak.</summary>
    double MinLearningRateRatio { get; }

    /// <summary><c>warmup_ratio</c>: share of the steps in linear warmup.</summary>
    double WarmupRatio { get; }

    /// <summary><c>weight_decay</c>: AdamW's decoupled weight decay.</summary>
    double WeightDecay { get; }

    /// <summary><c>adam_beta1</c>.</summary>
    double AdamBeta1 { get; }

    /// <summary><c>adam_beta2</c>.</summary>
    double AdamBeta2 { get; }

    /// <summary><c>adam_epsilon</c>.</summary>
    double AdamEpsilon { get; }

    /// <summary><c>max_grad_norm</c>: clip the global gradient norm; 0 = off.</summary>
    double MaxGradNorm { get; }
}
