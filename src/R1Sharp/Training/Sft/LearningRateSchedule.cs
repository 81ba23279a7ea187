namespace R1Sharp.Training.Sft;

/// <summary>How the learning rate decays after warmup (TRL/transformers' <c>lr_scheduler_type</c>).</summary>
public enum LearningRateSchedule
{
    /// <summary>Half-cosine from the peak to <c>MinLearningRateRatio</c> × peak at the last step (the common SFT choice).</summary>
    Cosine,

    /// <summary>Peak rate for every step after warmup.</summary>
    Constant,

    /// <summary>Straight line from the peak to <c>MinLearningRateRatio</c> × peak at the last step.</summary>
    Linear,
}
