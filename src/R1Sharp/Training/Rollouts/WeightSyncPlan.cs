using System.Text.Json;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// The calls that make a server load the policy written to a directory, through that engine's own API, in order. The
/// request and response shapes follow the engines' code (checked December 2026):
/// <list type="bullet">
/// <item>r1: <c>POST /v1/reload {"path"}</c> (<c>r1 serve</c>, <c>Serving/Http/OpenAiServer.cs</c>).</item>
/// <item>vLLM, full weights (server started with <c>VLLM_SERVER_DEV_MODE=1</c>): <c>POST /pause</c> (default mode abort, answers
/// <c>{"status": "paused"}</c>), <c>POST /collective_rpc {"method": "reload_weights", "kwargs": {"weights_path", "is_checkpoint_format": true}}</c>
/// (the worker's in-place reload from disk), <c>POST /reset_prefix_cache</c>, <c>POST /resume</c> —
/// <c>vllm/entrypoints/serve/dev/rlhf/api_router.py</c>, <c>.../dev/rpc/api_router.py</c>, <c>.../cache/api_router.py</c>, vLLM 0.16 and later.</item>
/// <item>vLLM, LoRA (server started with <c>--enable-lora</c> and <c>VLLM_ALLOW_RUNTIME_LORA_UPDATING=True</c>):
/// <c>POST /v1/load_lora_adapter {"lora_name", "lora_path", "load_inplace": true}</c> (<c>LoadLoRAAdapterRequest</c>, vLLM 0.10.2 and later,
/// where <c>load_inplace</c> appeared); sampling then names the adapter as the model.</item>
/// <item>SGLang: <c>POST /update_weights_from_disk {"model_path", "flush_cache": true}</c>, answered <c>{"success", "message",
/// "num_paused_requests"}</c> with 200 or 400 (<c>srt/entrypoints/http_server.py</c>, <c>UpdateWeightFromDiskReqInput</c> in
/// <c>srt/managers/io_struct.py</c>, SGLang 0.5); optionally between <c>POST /pause_generation {}</c> and <c>POST /continue_generation {}</c>.</item>
/// </list>
/// </summary>
public static class WeightSyncPlan
{
    /// <summary>The calls for <paramref name="options"/>' backend to load <paramref name="directory"/>.</summary>
    /// <param name="options">Backend, LoRA or not, adapter name, pausing.</param>
    /// <param name="directory">Absolute path of the checkpoint (or adapter) folder as the servers see it.</param>
    public static IReadOnlyList<WeightSyncCall> For(RemoteRolloutOptions options, string directory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        static string Json(object body) => JsonSerializer.Serialize(body);
        return options.Backend switch
        {
            RolloutBackend.R1 => [new("v1/reload", Json(new { path = directory }))],
            RolloutBackend.Vllm when options.AdapterOnly =>
                [new("v1/load_lora_adapter", Json(new { lora_name = options.AdapterName, lora_path = directory, load_inplace = true }))],
            RolloutBackend.Vllm =>
            [
                new("pause", null),
                new("collective_rpc", Json(new { method = "reload_weights", kwargs = new { weights_path = directory, is_checkpoint_format = true } })),
                new("reset_prefix_cache", null),
                new("resume", null),
            ],
            RolloutBackend.Sglang when options.AdapterOnly =>
                throw new NotSupportedException("rollout_backend sglang: update_weights_from_disk loads full checkpoints, not LoRA adapters; use vllm or r1"),
            RolloutBackend.Sglang =>
            [
                .. options.PauseGeneration ? [new WeightSyncCall("pause_generation", "{}")] : Array.Empty<WeightSyncCall>(),
                new("update_weights_from_disk", Json(new { model_path = directory, flush_cache = true })),
                .. options.PauseGeneration ? [new WeightSyncCall("continue_generation", "{}")] : Array.Empty<WeightSyncCall>(),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Backend, "unknown rollout backend"),
        };
    }
}
