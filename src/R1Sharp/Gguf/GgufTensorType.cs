namespace R1Sharp.Gguf;

/// <summary>Element types R1Sharp writes into GGUF files (ggml's type ids).</summary>
public enum GgufTensorType
{
    /// <summary>32-bit float (ggml type 0).</summary>
    F32 = 0,

    /// <summary>16-bit IEEE float (ggml type 1). Norm weights, biases and rope factors stay F32, as llama.cpp's converter keeps them.</summary>
    F16 = 1,

    /// <summary>bfloat16 (ggml type 30): fp32's range at half the size; the exact weights of a bf16 model.</summary>
    BF16 = 30,
}
