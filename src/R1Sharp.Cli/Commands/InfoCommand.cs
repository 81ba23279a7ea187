using R1Sharp.Cli.Errors;
using System.CommandLine;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 info`: versions and whether the torch backend loads on this machine.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show versions and check that the torch backend loads.");
        command.SetGuardedAction(_ =>
        {
            Console.WriteLine($"r1 {typeof(InfoCommand).Assembly.GetName().Version}");
            Console.WriteLine($".NET {Environment.Version}");
            Console.WriteLine($"native compatibility: {R1Sharp.TorchNativeCompatibility.Status}");
            Console.WriteLine($"native runtime tuning: {R1Sharp.NativeRuntimeTuning.Status}");
            Console.WriteLine($"micro-batch workers' heap retention: {R1Sharp.Training.Optimization.WorkerHeapRetention.Status}");
            Console.WriteLine($"torch check: 1 + 2 = {R1Sharp.TorchInfo.AddOnePlusTwo()}");
            Console.WriteLine(R1Sharp.TorchInfo.Describe());
            return 0;
        });
        return command;
    }
}
