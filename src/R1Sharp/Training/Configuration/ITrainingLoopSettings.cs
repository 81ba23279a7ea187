namespace R1Sharp.Training.Configuration;

/// <summary>
/// The loop keys that <c>r1 sft</c> and <c>r1 rm</c> share with transformers' <c>TrainingArguments</c>: how long to
/// train, how a step is batched, what is held out, and when to log and save (each record documents its own defaults);
/// <see cref="TrainingLoopChecks"/> holds their range checks.
/// </summary>
public interface ITrainingLoopSettings
{
    /// <summary><c>output_dir</c>: the run folder (given with --output).</summary>
    string OutputDirectory { get; }

    /// <summary><c>num_train_epochs</c>: passes over the training data.</summary>
    int Epochs { get; }

    /// <summary><c>max_steps</c>: optimizer steps; 0 = all epochs.</summary>
    int MaxSteps { get; }

    /// <summary><c>per_device_train_batch_size</c>: rows per micro-batch.</summary>
    int BatchSize { get; }

    /// <summary><c>gradient_accumulation_steps</c>: micro-batches per optimizer step.</summary>
    int GradientAccumulationSteps { get; }

    /// <summary><c>validation_fraction</c>: share of the data held out when no validation file is given.</summary>
    double ValidationFraction { get; }

    /// <summary><c>logging_steps</c>: a metrics line every this many steps.</summary>
    int LoggingSteps { get; }

    /// <summary><c>save_steps</c>: a checkpoint every this many steps; 0 = only at the end.</summary>
    int SaveSteps { get; }

    /// <summary><c>save_total_limit</c>: checkpoints kept; 0 = all.</summary>
    int SaveTotalLimit { get; }
}
