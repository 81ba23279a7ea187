namespace R1Sharp.Models.Lora;

/// <summary>
/// LoRA settings under the names TRL and PEFT use (TRL's <c>ModelConfig</c>: <c>lora_r</c>, <c>lora_alpha</c>,
/// <c>lora_dropout</c>, <c>lora_target_modules</c>, <c>use_rslora</c>; PEFT's <c>LoraConfig</c> stores them as
/// <c>r</c>, <c>lora_alpha</c>, <c>lora_dropout</c>, <c>target_modules</c>, <c>use_rslora</c>). Defaults are TRL's.
/// </summary>
public sealed record LoraOptions
{
    /// <summary>
    /// The projections a layer can adapt (PEFT's module names for Qwen2 and Llama; DeepSeek-V3's MLA adds q_a_proj,
    /// q_b_proj, kv_a_proj_with_mqa and kv_b_proj).
    /// </summary>
    public static readonly IReadOnlyList<string> LinearModuleNames =
        ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "q_a_proj", "q_b_proj", "kv_a_proj_with_mqa", "kv_b_proj"];

    /// <summary>PEFT's shorthand for every linear layer except the output head.</summary>
    public const string AllLinear = "all-linear";

    /// <summary><c>lora_r</c> (PEFT <c>r</c>): the rank of A [r, in] and B [out, r]. TRL default 16.</summary>
    public int Rank { get; init; } = 16;

    /// <summary><c>lora_alpha</c>: the update is scaled by alpha / r (alpha / sqrt(r) with rsLoRA). TRL default 32.</summary>
    public double Alpha { get; init; } = 32;

    /// <summary><c>lora_dropout</c>: dropout on the adapter's input while training (the base path has none). TRL default 0.05.</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>
    /// <c>lora_target_modules</c>: PEFT module names (<c>q_proj</c> ... <c>down_proj</c>), dotted suffixes of module
    /// paths, or <c>all-linear</c>. Empty = the architecture's default (<see cref="DefaultTargetModules"/>: <c>q_proj</c> and
    /// <c>v_proj</c>, PEFT's, except for DeepSeek-V3).
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary><c>use_rslora</c>: scale by alpha / sqrt(r) (Kalajdzievski 2023, rank-stabilised LoRA). Default false.</summary>
    public bool UseRsLora { get; init; }

    /// <summary>The factor applied to B·A·x.</summary>
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>The targets in effect for a Qwen2 / Qwen3 / Llama model (<see cref="TargetModules"/>, or PEFT's default when empty); see <see cref="TargetModulesFor"/>.</summary>
    public IReadOnlyList<string> EffectiveTargetModules => TargetModules.Count == 0 ? ["q_proj", "v_proj"] : TargetModules;

    /// <summary>The targets in effect for a model of <paramref name="config"/>: <see cref="TargetModules"/>, or <see cref="DefaultTargetModules"/> when empty.</summary>
    public IReadOnlyList<string> TargetModulesFor(ModelConfig config) => TargetModules.Count == 0 ? DefaultTargetModules(config) : TargetModules;

    /// <summary>
    /// The targets when none are given. Qwen2, Qwen3, Qwen3-MoE and Llama: PEFT's default, the query and value
    /// projections <c>q_proj</c>, <c>v_proj</c>. DeepSeek-V3 has neither under those names (multi-head latent attention;
    /// PEFT has no default for it): every attention projection, the usual choice for MLA, that is <c>q_a_proj</c> and
    /// <c>q_b_proj</c> (or <c>q_proj</c> when <c>q_lora_rank</c> is null), <c>kv_a_proj_with_mqa</c>, <c>kv_b_proj</c>
    /// and <c>o_proj</c>; its experts stay frozen, as with q_proj/v_proj on Qwen3-MoE.
    /// </summary>
    public static IReadOnlyList<string> DefaultTargetModules(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.LatentAttention is not { } latent) return ["q_proj", "v_proj"];
        return latent.QLoraRank is null
            ? ["q_proj", "kv_a_proj_with_mqa", "kv_b_proj", "o_proj"]
            : ["q_a_proj", "q_b_proj", "kv_a_proj_with_mqa", "kv_b_proj", "o_proj"];
    }

    /// <summary>Every problem with these settings, each naming the key a user writes (empty when valid).</summary>
    /// <param name="prefix">Prefix of the key names (<c>lora_</c> for TRL's flat keys).</param>
    public IReadOnlyList<string> Problems(string prefix = "lora_")
    {
        var problems = new List<string>();
        if (Rank <= 0) problems.Add($"{prefix}r: must be a positive integer (got {Rank})");
        if (!double.IsFinite(Alpha) || Alpha <= 0) problems.Add($"{prefix}alpha: must be a positive number (got {Alpha})");
        if (!double.IsFinite(Dropout) || Dropout < 0 || Dropout >= 1) problems.Add($"{prefix}dropout: must be in [0, 1) (got {Dropout})");
        foreach (string target in TargetModules)
        {
            if (string.IsNullOrWhiteSpace(target)) problems.Add($"{prefix}target_modules: has an empty name");
            else if (!IsKnownTarget(target))
                problems.Add($"{prefix}target_modules: unknown module '{target}' (known: {string.Join(", ", LinearModuleNames)}, {AllLinear})");
        }
        return problems;
    }

    /// <summary><c>all-linear</c>, a projection name or a dotted path ending in one, or a regular expression (PEFT's string form, checked against the model).</summary>
    private static bool IsKnownTarget(string target) =>
        target == AllLinear
        || LinearModuleNames.Any(n => target == n || target.EndsWith("." + n, StringComparison.Ordinal))
        || target.AsSpan().ContainsAny("*+?[]()|^$\\");
}
