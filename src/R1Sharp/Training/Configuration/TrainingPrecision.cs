namespace R1Sharp.Training.Configuration;

/// <summary>Parameter and compute precision of the trained model.</summary>
public enum TrainingPrecision
{
    /// <summary>32-bit floats (the safe default on CPU).</summary>
    Fp32,

    /// <summary>bfloat16 weights and compute (about 2x faster matmuls on this CPU; AdamW moments follow the parameter dtype).</summary>
    Bf16,
}
