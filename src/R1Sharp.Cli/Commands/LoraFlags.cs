using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// The LoRA flags of <c>r1 sft</c> and <c>r1 grpo</c>, named as TRL's command line names them (<c>--use-peft</c>,
/// <c>--lora-r</c>, <c>--lora-alpha</c>, <c>--lora-dropout</c>, <c>--lora-target-modules</c>, <c>--use-rslora</c>).
/// Each maps to the config key of the same name; any <c>--lora-*</c> flag also turns <c>use_peft</c> on.
/// </summary>
internal sealed class LoraFlags
{
    private readonly Option<bool> _usePeft = new("--use-peft") { Description = "Train LoRA adapters on a frozen base (config key use_peft); implied by any --lora-* flag. See docs/lora.md." };
    private readonly Option<int?> _rank = new("--lora-r") { Description = "LoRA rank r (lora_r; default 16)." };
    private readonly Option<double?> _alpha = new("--lora-alpha") { Description = "LoRA alpha: updates are scaled by alpha / r (lora_alpha; default 32)." };
    private readonly Option<double?> _dropout = new("--lora-dropout") { Description = "Dropout on the adapters' input (lora_dropout; default 0.05)." };
    private readonly Option<string?> _targets = new("--lora-target-modules") { Description = "Comma-separated q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj or all-linear (lora_target_modules; default q_proj,v_proj)." };
    private readonly Option<bool> _rsLora = new("--use-rslora") { Description = "Scale by alpha / sqrt(r) (rsLoRA; use_rslora)." };

    /// <summary>The flags, to add to a command.</summary>
    public IEnumerable<Option> All => [_usePeft, _rank, _alpha, _dropout, _targets, _rsLora];

    /// <summary>The settings the given flags set, as (config key, JSON value, flag); empty when none was given.</summary>
    public IReadOnlyList<(string Key, JsonNode Value, string Flag)> Settings(ParseResult parse)
    {
        var settings = new List<(string, JsonNode, string)>();
        if (parse.GetValue(_rank) is int r) settings.Add(("lora_r", JsonValue.Create(r), _rank.Name));
        if (parse.GetValue(_alpha) is double a) settings.Add(("lora_alpha", JsonValue.Create(a), _alpha.Name));
        if (parse.GetValue(_dropout) is double d) settings.Add(("lora_dropout", JsonValue.Create(d), _dropout.Name));
        if (parse.GetValue(_targets) is { } t) settings.Add(("lora_target_modules", JsonValue.Create(t), _targets.Name));
        if (parse.GetValue(_rsLora)) settings.Add(("use_rslora", JsonValue.Create(true), _rsLora.Name));
        if (parse.GetValue(_usePeft) || settings.Count > 0) settings.Insert(0, ("use_peft", JsonValue.Create(true), _usePeft.Name));
        return settings;
    }

    /// <summary>The same settings as <c>key=value</c> overrides (for <c>--set</c>-style loaders).</summary>
    public IEnumerable<string> Overrides(ParseResult parse) =>
        Settings(parse).Select(s => s.Key + "=" + (s.Value.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? s.Value.GetValue<string>()
            : s.Value.ToJsonString()));
}
