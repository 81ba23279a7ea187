namespace R1Sharp.Training.Sft;

/// <summary>Everything <c>r1 sft</c> needs: which model and data, how to render them, and the training settings.</summary>
public sealed record SftRunRequest
{
    /// <summary>Hugging Face model directory (config.json, *.safetensors, tokenizer files). Required.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Training data: JSONL/JSON/Parquet with <c>messages</c> or <c>prompt</c>/<c>completion</c>. Required.</summary>
    public required string DataPath { get; init; }

    /// <summary>Separate validation data; when null, <see cref="SftOptions.ValidationFraction"/> of the training data is held out.</summary>
    public string? ValidationPath { get; init; }

    /// <summary>Chat format. Default <see cref="SftTemplateChoice.Auto"/>.</summary>
    public SftTemplateChoice Template { get; init; } = SftTemplateChoice.Auto;

    /// <summary>Fold separate reasoning fields into R1's cold-start format (<c>&lt;think&gt;…&lt;/think&gt;</c> summary); null leaves rows as written.</summary>
    public ColdStartFormat? ColdStart { get; init; }

    /// <summary>Device name (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>). Default cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Weight dtype for training (<c>f32</c> or <c>bf16</c>); null keeps the checkpoint's. Default null.</summary>
    public string? Dtype { get; init; }

    /// <summary>Checkpoint directory to resume from, or <see cref="SftTrainer.LatestCheckpoint"/> for the newest under the
    /// output directory; null starts fresh.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>For a fresh start: delete the checkpoints, metrics and final model an earlier run left in the output
    /// directory instead of refusing to start. Default false.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Training settings.</summary>
    public required SftOptions Training { get; init; }
}
