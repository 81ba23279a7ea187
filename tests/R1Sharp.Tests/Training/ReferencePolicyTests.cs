using R1Sharp.Models;
using R1Sharp.Training.Grpo;
using TorchSharp;

namespace R1Sharp.Tests.Training;

public class ReferencePolicyTests
{
    [Fact]
    public void Without_a_KL_term_no_reference_is_loaded()
    {
        Assert.Null(ReferencePolicy.CreateFrozen(0, () => throw new InvalidOperationException("must not load")));
    }

    [Fact]
    public void The_reference_is_frozen_and_in_evaluation_mode()
    {
        using var reference = ReferencePolicy.CreateFrozen(0.04, () => CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3));
        Assert.NotNull(reference);
        Assert.NotEmpty(reference.parameters());
        Assert.All(reference.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(reference.training);
    }
}
