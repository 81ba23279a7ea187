using R1Sharp.Models;

namespace R1Sharp.Training.Grpo;

/// <summary>The frozen reference policy π_ref of GRPO's KL term: a copy of the starting weights that never trains.</summary>
public static class ReferencePolicy
{
    /// <summary>
    /// Loads and freezes the reference when the KL term is on (β &gt; 0); null when it is off, and then the model is
    /// not loaded at all (it would cost a second copy of the weights for nothing).
    /// </summary>
    /// <param name="beta">The KL coefficient β.</param>
    /// <param name="load">Loads a fresh copy of the starting weights; the caller disposes the returned model.</param>
    public static CausalLanguageModel? CreateFrozen(double beta, Func<CausalLanguageModel> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return beta > 0 ? Freeze(load()) : null;
    }

    /// <summary>Turns off gradients for every parameter and puts the model in evaluation mode; returns it.</summary>
    public static CausalLanguageModel Freeze(CausalLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var p in model.parameters()) p.requires_grad = false;
        model.eval();
        return model;
    }
}
