using R1Sharp.Training.Sft;

namespace R1Sharp.RewardModels;

/// <summary>Everything <c>r1 rm</c> needs.</summary>
public sealed record RewardModelRunRequest
{
    /// <summary>Checkpoint to start from: a causal LM (a new head is added) or a reward model (training continues). Required.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Preference pairs (JSONL/JSON/Parquet; <see cref="PreferenceReader"/>). Required.</summary>
    public required string DataPath { get; init; }

    /// <summary>Held-out pairs; null holds out <see cref="RewardModelOptions.ValidationFraction"/> of the data.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>Chat template for conversational pairs. Default auto (the model's).</summary>
    public SftTemplateChoice Template { get; init; } = SftTemplateChoice.Auto;

    /// <summary>Device name. Default cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Weight dtype (f32, bf16); null keeps the checkpoint's.</summary>
    public string? Dtype { get; init; }

    /// <summary>A checkpoint directory or <see cref="RewardModelTrainer.LatestCheckpoint"/>; null starts fresh.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>A fresh start deletes what an earlier run left in the output folder instead of refusing.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Training settings.</summary>
    public required RewardModelOptions Training { get; init; }
}
