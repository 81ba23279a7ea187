namespace R1Sharp.Training.Configuration;

/// <summary>Shape of the learning rate after warmup (TRL/transformers <c>lr_scheduler_type</c>).</summary>
public enum LearningRateScheduleKind
{
    /// <summary>Stay at the peak learning rate.</summary>
    Constant,

    /// <summary>Cosine decay from the peak to <c>min_learning_rate_ratio × peak</c> at the last step.</summary>
    Cosine,

    /// <summary>Linear decay from the peak to <c>min_learning_rate_ratio × peak</c> at the last step.</summary>
    Linear,
}
