using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.TorchInterop;

/// <summary>
/// <see cref="R1Sharp.Training.Optimization.AdamW"/> must be TorchSharp's AdamW with held scalars: the same update, bit for bit, and the
/// same saved state, so that switching optimizers changed no run's numbers and no checkpoint's layout.
/// </summary>
public sealed class AdamWTests
{
    private const double Lr = 1e-2, Beta1 = 0.9, Beta2 = 0.95, Eps = 1e-8, WeightDecay = 0.1;

    [Fact]
    public void FirstStepIsTheHandComputedUpdate()
    {
        // Step 1: m̂ = g and v̂ = g², so p ← p(1 − lr·wd) − lr·g / (|g| + ε).
        using var p = new Parameter(tensor(new[] { 1.0f, -2.0f, 0.5f }));
        using var optimizer = new R1Sharp.Training.Optimization.AdamW([p], Lr, Beta1, Beta2, Eps, WeightDecay);
        float[] g = [0.3f, -4.0f, 0.0f];
        p.grad = tensor(g);
        optimizer.step();
        float[] got = p.data<float>().ToArray();
        float[] start = [1.0f, -2.0f, 0.5f];
        for (int i = 0; i < 3; i++)
        {
            double expected = start[i] * (1 - Lr * WeightDecay) - Lr * g[i] / (Math.Abs(g[i]) + Eps);
            Assert.Equal(expected, got[i], 6);
        }
    }

    [Fact]
    public void TenStepsMatchTorchSharpsAdamWExactly()
    {
        AssertStepsMatchTorchSharps(Parameters(), Parameters(), 10);
    }

    [Fact]
    public void StateSavedByEitherOptimizerResumesTheOther()
    {
        var (ours, theirs) = (Parameters(), Parameters());
        using var held = new R1Sharp.Training.Optimization.AdamW(ours, Lr, Beta1, Beta2, Eps, WeightDecay);
        using var reference = optim.AdamW(theirs, Lr, Beta1, Beta2, Eps, WeightDecay);
        StepBoth(held, ours, reference, theirs, 3);
        string dir = Directory.CreateTempSubdirectory("r1-adamw-").FullName;
        try
        {
            string saved = Path.Combine(dir, "reference.pt");
            reference.save_state_dict(saved);
            // A fresh AdamW of ours over a copy of the weights, resumed from TorchSharp's state, steps as TorchSharp does.
            var resumed = ours.Select(p => new Parameter(p.detach().clone())).ToArray();
            using var resumedOptimizer = new R1Sharp.Training.Optimization.AdamW(resumed, Lr, Beta1, Beta2, Eps, WeightDecay);
            resumedOptimizer.load_state_dict(saved);
            SetGradients(resumed, 3);
            SetGradients(theirs, 3);
            resumedOptimizer.step();
            reference.step();
            for (int i = 0; i < resumed.Length; i++)
                Assert.Equal(theirs[i].data<float>().ToArray(), resumed[i].data<float>().ToArray());

            // And the other way: our state, resumed by TorchSharp's optimizer, steps as ours does.
            string ourState = Path.Combine(dir, "ours.pt");
            held.save_state_dict(ourState);
            var continued = ours.Select(p => new Parameter(p.detach().clone())).ToArray();
            using var continuedOptimizer = optim.AdamW(continued, Lr, Beta1, Beta2, Eps, WeightDecay);
            continuedOptimizer.load_state_dict(ourState);
            SetGradients(continued, 3);
            SetGradients(ours, 3);
            continuedOptimizer.step();
            held.step();
            for (int i = 0; i < ours.Length; i++)
                Assert.Equal(ours[i].data<float>().ToArray(), continued[i].data<float>().ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FusedUpdateIsTorchSharpsBitForBitOnEverySize()
    {
        // Sizes around the vector width (8) and its multiples, so both the vector loop and the scalar tail are covered,
        // and one large enough for a real model's embedding rows.
        long[] sizes = [1, 7, 8, 9, 31, 32, 33, 1000, 70_001];
        using var generator = new Generator(11);
        var ours = sizes.Select(n => new Parameter(randn([n], generator: generator))).ToArray();
        var theirs = ours.Select(p => new Parameter(p.detach().clone())).ToArray();
        Assert.Equal(R1Sharp.Training.Optimization.FusedAdamWUpdate.Supported, R1Sharp.Training.Optimization.FusedAdamWUpdate.Applies(ours[0], ours[0], ours[0], ours[0]));
        AssertStepsMatchTorchSharps(ours, theirs, 6);
    }

    [Fact]
    public void FusedUpdateSplitOverThreadsIsTheSameAndTheFormula()
    {
        const int n = 600_000; // more than two 2^18-element parts
        using var generator = new Generator(5);
        using var start = randn([n], generator: generator);
        using var grad = randn([n], generator: generator);
        float[] one = FusedStep(start, grad, threads: 1), three = FusedStep(start, grad, threads: 3);
        Assert.Equal(one, three);
        // First step from zero moments: p(1 − lr·wd) − lr·g / (|g| + ε) (m̂ = g, v̂ = g²).
        float[] p0 = start.data<float>().ToArray(), g = grad.data<float>().ToArray();
        for (int i = 0; i < n; i += 997)
            Assert.Equal(p0[i] * (1 - Lr * WeightDecay) - Lr * g[i] / (Math.Abs(g[i]) + Eps), one[i], tolerance: 1e-6);
    }

    [Fact]
    public void OtherTensorsKeepLibtorchsKernels()
    {
        using var doubles = zeros([16], ScalarType.Float64);
        using var matrix = zeros([8, 16]);
        using var transposed = matrix.t();
        using var floats = zeros([16]);
        Assert.False(R1Sharp.Training.Optimization.FusedAdamWUpdate.Applies(doubles, doubles, doubles, doubles));
        Assert.False(R1Sharp.Training.Optimization.FusedAdamWUpdate.Applies(transposed, transposed, transposed, transposed));
        Assert.False(R1Sharp.Training.Optimization.FusedAdamWUpdate.Applies(floats, doubles, floats, floats));
    }

    // One fused first step from zero moments, on copies, over the given number of threads.
    private static float[] FusedStep(Tensor start, Tensor grad, int threads)
    {
        using var p = start.clone();
        using var m = zeros_like(start);
        using var v = zeros_like(start);
        using var scratch = empty_like(start);
        double bias1 = 1 - Beta1, bias2 = 1 - Beta2;
        R1Sharp.Training.Optimization.FusedAdamWUpdate.Step(p, grad, m, v, scratch,
            new((float)(1 - Lr * WeightDecay), (float)Beta1, (float)(1 - Beta1), (float)Beta2, (float)(1 - Beta2),
                (float)Math.Sqrt(bias2), (float)Eps, (float)(-Lr / bias1)), threads);
        return p.data<float>().ToArray();
    }

    // Our AdamW and TorchSharp's, each over its own copy, stepped on the same gradients: the weights are equal bit for bit.
    private static void AssertStepsMatchTorchSharps(Parameter[] ours, Parameter[] theirs, int steps)
    {
        using var held = new R1Sharp.Training.Optimization.AdamW(ours, Lr, Beta1, Beta2, Eps, WeightDecay);
        using var reference = optim.AdamW(theirs, Lr, Beta1, Beta2, Eps, WeightDecay);
        StepBoth(held, ours, reference, theirs, steps);
        for (int i = 0; i < ours.Length; i++)
            Assert.Equal(theirs[i].data<float>().ToArray(), ours[i].data<float>().ToArray());
    }

    // Steps both optimizers on the same gradients, step after step.
    private static void StepBoth(optim.Optimizer held, Parameter[] ours, optim.Optimizer reference, Parameter[] theirs, int steps)
    {
        for (int step = 0; step < steps; step++)
        {
            SetGradients(ours, step);
            SetGradients(theirs, step);
            held.step();
            reference.step();
        }
    }

    private static Parameter[] Parameters()
    {
        using var generator = new Generator(7);
        return [new Parameter(randn([4, 3], generator: generator)), new Parameter(randn([5], generator: generator))];
    }

    private static void SetGradients(Parameter[] parameters, int step)
    {
        using var generator = new Generator((ulong)(100 + step));
        foreach (var p in parameters) p.grad = randn(p.shape, generator: generator);
    }
}
