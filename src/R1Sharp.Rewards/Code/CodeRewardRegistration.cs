using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Code;

/// <summary>
/// Registers <c>code</c> in a <see cref="RewardRegistry"/>, so specs such as
/// <c>code(mode=all_or_nothing;time_limit=2):1</c> work on command lines and in config files.
/// Options (all optional): <c>mode</c> (pass_fraction | all_or_nothing), <c>float_tolerance</c>, <c>time_limit</c>
/// (CPU seconds), <c>wall_time_limit</c> (seconds), <c>memory_mb</c>, <c>field</c> (default verification_info),
/// <c>language</c> (default when the row names none), <c>untagged</c> (accept untagged code blocks), <c>workers</c>
/// (sandbox worker slots).
/// </summary>
public static class CodeRewardRegistration
{
    /// <summary>The spec name.</summary>
    public const string Name = "code";

    /// <summary>Adds <c>code</c> to <paramref name="registry"/>; the sandbox starts (and is probed) on first use.</summary>
    public static RewardRegistry Register(RewardRegistry registry, bool replace = false)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Register(Name, "runs the completion's code in the sandbox on the row's tests: pass fraction or 1/0, or null", Create, replace);
    }

    private static CodeExecutionReward Create(RewardOptionReader o)
    {
        var d = new CodeExecutionRewardOptions();
        var limits = d.Judge.Limits;
        double cpu = o.GetDouble("time_limit", limits.CpuTime.TotalSeconds);
        double wall = o.GetDouble("wall_time_limit", Math.Max(limits.WallClock.TotalSeconds, 2 * cpu));
        int memoryMb = o.GetInt32("memory_mb", (int)(limits.AddressSpaceBytes / (1024 * 1024)));
        string? languageName = o.GetString("language");
        var language = d.DefaultLanguage;
        if (languageName != null && !CodeLanguageNames.TryParse(languageName, out language))
            throw new RewardConfigurationException($"Reward 'code': option 'language' = '{languageName}' is not supported; expected python, cpp or csharp.");
        int workers = o.GetInt32("workers", Environment.ProcessorCount);
        var options = new CodeExecutionRewardOptions
        {
            Mode = o.GetEnum("mode", d.Mode),
            VerificationInfoField = o.GetString("field", d.VerificationInfoField)!,
            DefaultLanguage = language,
            AcceptUntaggedBlocks = o.GetBoolean("untagged", d.AcceptUntaggedBlocks),
            Judge = d.Judge with
            {
                FloatTolerance = o.GetNullableDouble("float_tolerance"),
                Limits = limits with
                {
                    CpuTime = TimeSpan.FromSeconds(cpu),
                    WallClock = TimeSpan.FromSeconds(wall),
                    AddressSpaceBytes = memoryMb * 1024L * 1024,
                },
            },
        };
        try
        {
            options.Judge.Limits.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new RewardConfigurationException($"Reward 'code': {e.Message}");
        }
        return new CodeExecutionReward(options, new SandboxOptions { WorkerSlots = workers });
    }
}
