namespace R1Sharp.Training.Rollouts;

/// <summary>Which inference engine the rollout endpoints run, and so which API loads new weights into it (GRPO's <c>rollout_backend</c>).</summary>
public enum RolloutBackend
{
    /// <summary>R1Sharp's own <c>r1 serve</c>: <c>POST /v1/reload {"path"}</c> (a full checkpoint, or with LoRA the adapter).</summary>
    R1,

    /// <summary>vLLM (<c>vllm serve</c>): full weights through <c>/pause</c>, <c>/collective_rpc reload_weights</c>, <c>/reset_prefix_cache</c>,
    /// <c>/resume</c> (server started with <c>VLLM_SERVER_DEV_MODE=1</c>); LoRA through <c>/v1/load_lora_adapter</c> with <c>load_inplace</c>.</summary>
    Vllm,

    /// <summary>SGLang (<c>python -m sglang.launch_server</c>): <c>POST /update_weights_from_disk {"model_path", "flush_cache"}</c>.</summary>
    Sglang,
}
