namespace R1Sharp.Models.Lora;

/// <summary>The on/off flag every adapter of one model reads (off: the frozen base model, e.g. GRPO's π_ref).</summary>
internal sealed class LoraSwitch
{
    public bool Enabled { get; set; } = true;
}
