using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// Reproduces a use-after-free in TorchSharp 0.107's implicit <see cref="Scalar"/>s, found when a pipeline run died in
/// reasoning RL (2026-12-04, docs/ARCHITECTURE.md "Numbers passed to TorchSharp are held for the native call"). <c>x.add(0.5)</c> (and <c>x + 0.5</c>,
/// <c>x * 2.0</c>, every add/sub's hidden alpha 1) wraps each number in a new Scalar that nothing references once its
/// handle is passed to libtorch; a garbage collection started by another thread during that call lets the finalizer
/// free the Scalar while libtorch still reads it. libtorch then fails with "Expected false to be true" from
/// Scalar::toFloat, or reads another value. The bench runs the same adds with a thread that allocates (as a progress
/// display or a server's request threads do), first with implicit Scalars, then with Scalars held by the caller until
/// the call returns, then with the library's <see cref="HeldScalarArithmetic"/>; then AdamW steps, TorchSharp's
/// against R1Sharp's <see cref="R1Sharp.Training.Optimization.AdamW"/>; and counts the failures of each.
/// Usage: scalar-lifetime [seconds per arm (20)].
/// </summary>
internal static class ScalarLifetime
{
    public static Task<int> RunAsync(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        torch.set_num_threads(1);
        using var x = torch.ones(64, 64);
        using var one = 1.ToScalar();
        var (implicitCalls, implicitFailures) = Run(seconds, i =>
        {
            using var y = x.add(1.0 + (i & 7));
        });
        var (heldCalls, heldFailures) = Run(seconds, i =>
        {
            using var value = (1.0 + (i & 7)).ToScalar();
            using var y = x.add(value, one);
        });
        var (helperCalls, helperFailures) = Run(seconds, i =>
        {
            using var y = x.Plus(1.0 + (i & 7));
        });
        var (adamWSteps, adamWFailures) = RunOptimizer(seconds, parameters => torch.optim.AdamW(parameters, 1e-3, 0.9, 0.95, 1e-8, 0.01));
        var (heldAdamWSteps, heldAdamWFailures) = RunOptimizer(seconds, parameters => new R1Sharp.Training.Optimization.AdamW(parameters, 1e-3, 0.9, 0.95, 1e-8, 0.01));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"implicit Scalars:          {implicitFailures} failed of {implicitCalls:N0} adds in {seconds:F0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held Scalars:              {heldFailures} failed of {heldCalls:N0} adds in {seconds:F0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"HeldScalarArithmetic.Plus: {helperFailures} failed of {helperCalls:N0} adds in {seconds:F0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TorchSharp AdamW:          {adamWFailures} failed of {adamWSteps:N0} steps in {seconds:F0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"R1Sharp AdamW:             {heldAdamWFailures} failed of {heldAdamWSteps:N0} steps in {seconds:F0} s"));
        return Task.FromResult(0);
    }

    // Steps an optimizer over 32 small parameters (about 200 scalars per step in TorchSharp's AdamW) while another
    // thread allocates.
    private static (long Steps, int Failures) RunOptimizer(double seconds, Func<Parameter[], torch.optim.Optimizer> create)
    {
        var parameters = Enumerable.Range(0, 32).Select(_ => new Parameter(torch.randn(8, 8))).ToArray();
        foreach (var p in parameters) p.grad = torch.randn(8, 8);
        using var optimizer = create(parameters);
        var result = Run(seconds, _ => optimizer.step());
        foreach (var p in parameters) p.Dispose();
        return result;
    }

    // Calls add for the given time while another thread allocates; failures are libtorch errors from freed Scalars.
    private static (long Calls, int Failures) Run(double seconds, Action<long> add)
    {
        bool stop = false;
        var churn = new Thread(() =>
        {
            while (!Volatile.Read(ref stop)) GC.KeepAlive(new byte[4096]);
        })
        { IsBackground = true };
        churn.Start();
        long calls = 0;
        int failures = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            try { add(calls); }
            catch (ExternalException) { failures++; }
            calls++;
        }
        Volatile.Write(ref stop, true);
        churn.Join();
        return (calls, failures);
    }
}
