using R1Sharp.Models;
using R1Sharp.Training.Grpo;
using TorchSharp;

namespace R1Sharp.Tests.Training;

public sealed class ReferenceSyncTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-refsync").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CausalLanguageModel Model(int seed) => CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, seed);

    [Fact]
    public void MixInMovesEachReferenceParameterTowardsThePolicy()
    {
        using var policy = Model(1);
        using var reference = Model(2);
        var before = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        ReferencePolicy.MixIn(reference, policy, 0.6);
        var theta = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in reference.named_parameters())
        {
            // π_ref ← 0.6·θ + 0.4·π_ref, element by element.
            var expected = theta[name].detach() * 0.6 + before[name] * 0.4;
            Assert.True(parameter.allclose(expected, rtol: 1e-6, atol: 1e-7), name);
        }
        ReferencePolicy.MixIn(reference, policy, 1.0);
        Assert.All(reference.named_parameters(), p => Assert.True(p.parameter.eq(theta[p.name]).all().item<bool>(), p.name));
    }

    [Fact]
    public void SavedReferenceLoadsBackBitForBit()
    {
        using var saved = Model(4);
        using var loaded = Model(5);
        string path = Path.Combine(_dir, ReferencePolicy.CheckpointFileName);
        ReferencePolicy.Save(saved, path);
        ReferencePolicy.Load(loaded, path);
        var expected = saved.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.All(loaded.named_parameters(), p => Assert.True(p.parameter.eq(expected[p.name]).all().item<bool>(), p.name));

        var missing = Assert.Throws<InvalidDataException>(() => ReferencePolicy.Load(loaded, Path.Combine(_dir, "none.safetensors")));
        Assert.Contains("none.safetensors", missing.Message);
    }
}
