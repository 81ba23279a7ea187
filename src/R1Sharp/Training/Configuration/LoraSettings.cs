using R1Sharp.Models.Lora;

namespace R1Sharp.Training.Configuration;

/// <summary>Turns the LoRA keys of an options record into adapter settings.</summary>
public static class LoraSettings
{
    /// <summary>The LoRA settings when <see cref="ILoraSettings.UsePeft"/> is on; null for full fine-tuning.</summary>
    public static LoraOptions? ToLoraOptions(this ILoraSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.UsePeft
            ? new LoraOptions
            {
                Rank = settings.LoraRank,
                Alpha = settings.LoraAlpha,
                Dropout = settings.LoraDropout,
                TargetModules = LoraTargetModulesJsonConverter.Split(settings.LoraTargetModules),
                UseRsLora = settings.UseRslora,
            }
            : null;
    }
}
