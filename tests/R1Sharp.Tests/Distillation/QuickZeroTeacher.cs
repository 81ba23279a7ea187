using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Distillation;

/// <summary>An r1 zero run in smoke configuration, made once for the tests of r1 distill-zero: it is the teacher.</summary>
public sealed class QuickZeroTeacher : IAsyncLifetime
{
    public string RunDirectory { get; } = Directory.CreateTempSubdirectory("r1-distill-zero-teacher").FullName;

    // 300 pre-training steps instead of the smoke run's 40: enough for about 1-2% of its samples to be right, so
    // the distillation data of the tests is not empty (measured: 4 of 512 with 300 steps, 0 of 128 with 40).
    public Task InitializeAsync()
    {
        var quick = ZeroOptions.Quick(RunDirectory);
        return ZeroPipeline.RunAsync(quick with { Pretrain = quick.Pretrain with { Steps = 300 } }, resume: false, progress: null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(RunDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
