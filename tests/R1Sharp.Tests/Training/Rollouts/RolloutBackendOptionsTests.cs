using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Tests.Training.Rollouts;

public class RolloutBackendOptionsTests
{
    [Fact]
    public async Task DefaultsAreTrlsAndTheKeysReadByTheirSnakeCaseNames()
    {
        var defaults = new GrpoOptions();
        Assert.Equal((RolloutBackend.R1, true, ImportanceSamplingMode.SequenceMask, 3.0, 1),
            (defaults.RolloutBackend, defaults.VllmImportanceSamplingCorrection, defaults.VllmImportanceSamplingMode, defaults.VllmImportanceSamplingCap, defaults.RolloutSyncSteps));
        var options = await GrpoOptionsFile.LoadAsync(null, ["rollout_backend=sglang", "vllm_importance_sampling_mode=token_truncate",
            "vllm_importance_sampling_cap=2", "rollout_sync_steps=4", "rollout_sync_dir=/shared/w", "rollout_pause_generation=true"]);
        Assert.Equal((RolloutBackend.Sglang, ImportanceSamplingMode.TokenTruncate, 2.0, 4, "/shared/w", true),
            (options.RolloutBackend, options.VllmImportanceSamplingMode, options.VllmImportanceSamplingCap, options.RolloutSyncSteps, options.RolloutSyncDir, options.RolloutPauseGeneration));
    }

    [Fact]
    public async Task BadValuesAreReportedUnderTheNameTheUserTyped()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null,
            ["rollout_sync_steps=0", "vllm_importance_sampling_cap=0", "rollout_sync_timeout=-1", "use_peft=true", "rollout_backend=sglang"]));
        Assert.Contains("rollout_sync_steps", error.Message);
        Assert.Contains("vllm_importance_sampling_cap", error.Message);
        Assert.Contains("rollout_sync_timeout", error.Message);
        Assert.Contains("rollout_backend: with use_peft", error.Message);
        var unknown = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null, ["rollout_backend=tgi"]));
        Assert.Contains("rollout_backend", unknown.Message);
    }
}
