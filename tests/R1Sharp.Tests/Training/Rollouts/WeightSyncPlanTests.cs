using R1Sharp.Training.Rollouts;

namespace R1Sharp.Tests.Training.Rollouts;

public class WeightSyncPlanTests
{
    private static string[] Lines(RemoteRolloutOptions options) =>
        [.. WeightSyncPlan.For(options, "/shared/w/odd").Select(c => $"POST /{c.Path} {c.Body ?? "-"}")];

    [Fact]
    public void VllmFullWeightsPauseReloadFromDiskResetThePrefixCacheAndResume() =>
        Assert.Equal(
        [
            "POST /pause -",
            """POST /collective_rpc {"method":"reload_weights","kwargs":{"weights_path":"/shared/w/odd","is_checkpoint_format":true}}""",
            "POST /reset_prefix_cache -",
            "POST /resume -",
        ], Lines(new RemoteRolloutOptions { Backend = RolloutBackend.Vllm }));

    [Fact]
    public void VllmLoraReplacesTheNamedAdapterInPlace() =>
        Assert.Equal(
            ["""POST /v1/load_lora_adapter {"lora_name":"pol","lora_path":"/shared/w/odd","load_inplace":true}"""],
            Lines(new RemoteRolloutOptions { Backend = RolloutBackend.Vllm, AdapterOnly = true, AdapterName = "pol" }));

    [Fact]
    public void SglangLoadsFromDiskAndFlushesItsCacheOptionallyPausedAround()
    {
        Assert.Equal(["""POST /update_weights_from_disk {"model_path":"/shared/w/odd","flush_cache":true}"""],
            Lines(new RemoteRolloutOptions { Backend = RolloutBackend.Sglang }));
        Assert.Equal(["POST /pause_generation {}", """POST /update_weights_from_disk {"model_path":"/shared/w/odd","flush_cache":true}""", "POST /continue_generation {}"],
            Lines(new RemoteRolloutOptions { Backend = RolloutBackend.Sglang, PauseGeneration = true }));
        Assert.Throws<NotSupportedException>(() => Lines(new RemoteRolloutOptions { Backend = RolloutBackend.Sglang, AdapterOnly = true }));
    }

    [Fact]
    public void R1ServeReloadsThroughItsOwnEndpoint() =>
        Assert.Equal(["""POST /v1/reload {"path":"/shared/w/odd"}"""], Lines(new RemoteRolloutOptions()));
}
