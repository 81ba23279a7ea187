using R1Sharp.TorchInterop;
using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Models.Lora;

/// <summary>
/// LoRA adapters attached to a <see cref="CausalLanguageModel"/>'s linear projections (Hu et al. 2021, as PEFT does
/// it): A [r, in] kaiming-uniform (a = √5, PEFT's init), B [out, r] zeros, so a fresh adapter changes nothing; the base
/// weights are frozen (requires_grad false) and only <see cref="Parameters"/> train. <see cref="Enabled"/> off gives
/// the base model back without a second copy of its weights (GRPO's reference policy, as TRL does with PEFT).
/// Names follow PEFT: <c>base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight</c>.
/// </summary>
public sealed class LoraModel : IDisposable
{
    private const string PeftPrefix = "base_model.model.";
    private readonly LoraSwitch _switch;
    private readonly List<(string Module, LinearProjection Layer, LoraAdapter Adapter)> _adapters;
    private readonly Dictionary<Parameter, bool> _baseRequiresGrad;
    private bool _detached;

    private LoraModel(CausalLanguageModel model, LoraOptions options, LoraSwitch enabled, List<(string, LinearProjection, LoraAdapter)> adapters, Dictionary<Parameter, bool> baseRequiresGrad)
    {
        Model = model;
        Options = options;
        TargetModules = options.TargetModulesFor(model.Config);
        _switch = enabled;
        _adapters = adapters;
        _baseRequiresGrad = baseRequiresGrad;
    }

    /// <summary>The model the adapters are attached to.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>The settings the adapters were built with.</summary>
    public LoraOptions Options { get; }

    /// <summary>The target modules in effect: the options', or the architecture's default (<see cref="LoraOptions.DefaultTargetModules"/>).</summary>
    public IReadOnlyList<string> TargetModules { get; }

    /// <summary>Whether the adapters' updates are added (false: the base model's outputs exactly).</summary>
    public bool Enabled
    {
        get => _switch.Enabled;
        set => _switch.Enabled = value;
    }

    /// <summary>The adapted modules' paths in the model (<c>model.layers.0.self_attn.q_proj</c>, ...), in model order.</summary>
    public IReadOnlyList<string> AdaptedModules => _adapters.Select(a => a.Module).ToList();

    /// <summary>The trainable parameters: every A and B, in model order (A before B).</summary>
    public IReadOnlyList<Parameter> Parameters => _adapters.SelectMany(a => new[] { a.Adapter.A, a.Adapter.B }).ToList();

    /// <summary>Number of adapter parameters.</summary>
    public long ParameterCount => Parameters.Sum(p => p.numel());

    /// <summary>Every adapter tensor under its PEFT name (<c>base_model.model.{module}.lora_A.weight</c> / <c>lora_B.weight</c>).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> NamedTensors =>
        _adapters.SelectMany(a => new (string, Tensor)[]
        {
            (PeftName(a.Module, "lora_A"), a.Adapter.A),
            (PeftName(a.Module, "lora_B"), a.Adapter.B),
        }).ToList();

    /// <summary>The PEFT tensor name of one adapter matrix.</summary>
    /// <param name="module">Module path in the model (<c>model.layers.0.self_attn.q_proj</c>).</param>
    /// <param name="matrix"><c>lora_A</c> or <c>lora_B</c>.</param>
    public static string PeftName(string module, string matrix) => $"{PeftPrefix}{module}.{matrix}.weight";

    /// <summary>
    /// Attaches fresh adapters to the projections <paramref name="options"/> names and freezes the base weights.
    /// </summary>
    /// <param name="model">The base model (already on its device).</param>
    /// <param name="options">Rank, alpha, dropout, targets.</param>
    /// <param name="seed">Seed of A's initialisation (drawn on the CPU in float32, so every device gets the same A).</param>
    /// <exception cref="ArgumentException">Invalid settings, or a target that names no linear layer of the model.</exception>
    public static LoraModel Attach(CausalLanguageModel model, LoraOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException("LoRA settings: " + string.Join("; ", problems));
        var targets = ResolveTargets(model, options.TargetModulesFor(model.Config));
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        var enabled = new LoraSwitch();
        var adapters = new List<(string, LinearProjection, LoraAdapter)>();
        using (torch.no_grad())
        {
            foreach (var (name, layer) in targets)
            {
                long outFeatures = layer.Weight.shape[0], inFeatures = layer.Weight.shape[1];
                double bound = 1.0 / Math.Sqrt(inFeatures); // kaiming_uniform_(a=√5): gain √(1/3), bound √3·gain/√fan_in
                using var initial = torch.empty([options.Rank, inFeatures], ScalarType.Float32, torch.CPU).uniform_(-bound, bound, generator);
                var a = new Parameter(initial.to(layer.Weight.device), requires_grad: true);
                var b = new Parameter(torch.zeros([outFeatures, options.Rank], ScalarType.Float32, layer.Weight.device), requires_grad: true);
                var adapter = new LoraAdapter(a, b, options.Scaling, options.Dropout, enabled);
                if (layer.Adapter is not null) throw new InvalidOperationException($"{name} already has a LoRA adapter");
                layer.Adapter = adapter;
                adapters.Add((name, layer, adapter));
            }
        }
        var frozen = new Dictionary<Parameter, bool>(ReferenceEqualityComparer.Instance);
        foreach (var parameter in model.parameters())
        {
            frozen[parameter] = parameter.requires_grad;
            parameter.requires_grad = false;
        }
        return new LoraModel(model, options, enabled, adapters, frozen);
    }

    /// <summary>Turns the adapters off until the returned scope is disposed (then restores the previous state).</summary>
    public IDisposable Disabled()
    {
        bool previous = _switch.Enabled;
        _switch.Enabled = false;
        return new Restore(() => _switch.Enabled = previous);
    }

    /// <summary>
    /// The parameters an optimizer should update: the base parameters that still require gradients (none once LoRA is
    /// attached) followed by every attached adapter's A and B. For a model without adapters, its trainable parameters.
    /// </summary>
    public static IEnumerable<Parameter> TrainableParameters(CausalLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var p in model.parameters())
            if (p.requires_grad) yield return p;
        foreach (var layer in Projections(model))
        {
            if (layer.Adapter is not { } adapter) continue;
            yield return adapter.A;
            yield return adapter.B;
        }
    }

    /// <summary>
    /// Turns off every adapter attached to <paramref name="model"/> until the scope is disposed: the model computes
    /// the base model's outputs (GRPO's π_ref when the reference is the policy itself). A no-op for a plain model.
    /// </summary>
    public static IDisposable AdaptersOff(CausalLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var switches = Projections(model).Select(l => l.Adapter?.Switch).OfType<LoraSwitch>().Distinct().Where(s => s.Enabled).ToList();
        foreach (var s in switches) s.Enabled = false;
        return new Restore(() => { foreach (var s in switches) s.Enabled = true; });
    }

    private static IEnumerable<LinearProjection> Projections(CausalLanguageModel model) =>
        model.named_modules().Select(m => m.module).OfType<LinearProjection>();

    /// <summary>Copies <paramref name="source"/> into the adapter tensor named <paramref name="peftName"/> (load).</summary>
    /// <exception cref="InvalidDataException">No such adapter tensor, or its shape differs.</exception>
    public void CopyInto(string peftName, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var target = NamedTensors.FirstOrDefault(t => t.Name == peftName).Tensor
            ?? throw new InvalidDataException($"adapter tensor '{peftName}' matches no adapted module of this model");
        if (!target.shape.SequenceEqual(source.shape))
            throw new InvalidDataException($"adapter tensor '{peftName}' has shape [{string.Join(", ", source.shape)}] but this base model needs [{string.Join(", ", target.shape)}]");
        using var noGrad = torch.no_grad();
        target.copy_(source);
    }

    /// <summary>
    /// Adds scaling·B·A into each adapted weight (in the weight's dtype), then detaches the adapters: the model is a
    /// plain model again whose outputs equal the adapted model's (up to rounding), ready for a Hugging Face save.
    /// </summary>
    public void MergeAndDetach()
    {
        ThrowIfDetached();
        using (torch.no_grad())
        {
            foreach (var (_, layer, adapter) in _adapters)
            {
                using var delta = adapter.Delta();
                layer.Weight.PlusInPlace(delta.to(layer.Weight.dtype));
            }
        }
        Detach();
    }

    /// <summary>Removes the adapters from the model and restores the base parameters' requires_grad.</summary>
    public void Detach()
    {
        if (_detached) return;
        _detached = true;
        foreach (var (_, layer, adapter) in _adapters)
        {
            layer.Adapter = null;
            adapter.Dispose();
        }
        foreach (var (parameter, requiresGrad) in _baseRequiresGrad) parameter.requires_grad = requiresGrad;
    }

    /// <summary>Same as <see cref="Detach"/>.</summary>
    public void Dispose() => Detach();

    /// <summary>
    /// The linear layers <paramref name="targets"/> select, in model order. A name matches a module whose path
    /// equals it or ends with "." + it; <c>all-linear</c> selects every projection but the output head; a name with
    /// regex characters is matched against the whole path (PEFT's string form).
    /// </summary>
    internal static List<(string Name, LinearProjection Layer)> ResolveTargets(CausalLanguageModel model, IReadOnlyList<string> targets)
    {
        var linear = model.named_modules().Where(m => m.module is LinearProjection).Select(m => (m.name, (LinearProjection)m.module)).ToList();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string target in targets)
        {
            var matches = target == LoraOptions.AllLinear
                ? linear.Where(l => l.name != "lm_head").ToList()
                : linear.Where(l => Matches(l.name, target)).ToList();
            if (matches.Count == 0)
            {
                var present = linear.Where(l => l.name != "lm_head").Select(l => l.name[(l.name.LastIndexOf('.') + 1)..]).Distinct(StringComparer.Ordinal);
                throw new ArgumentException($"lora target_modules: '{target}' names no linear layer of this {model.Config.ModelType} model (its linear layers: {string.Join(", ", present)}, or {LoraOptions.AllLinear})");
            }
            foreach (var m in matches) chosen.Add(m.name);
        }
        return linear.Where(l => chosen.Contains(l.name)).ToList();
    }

    private static bool Matches(string path, string target)
    {
        if (path == target || path.EndsWith("." + target, StringComparison.Ordinal)) return true;
        if (!target.AsSpan().ContainsAny(".*+?[]()|^$\\")) return false;
        try
        {
            return Regex.IsMatch(path, "^(?:" + target + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private void ThrowIfDetached()
    {
        if (_detached) throw new InvalidOperationException("the LoRA adapters were already detached from the model");
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
