using System.Diagnostics;

namespace R1Sharp.Training.Zero;

/// <summary>
/// Turns a cross-entropy trainer's (step, loss) reports into <see cref="ZeroProgress"/> lines: the mean loss of the
/// last <c>window</c> steps (a single step's loss is too noisy to read) and an ETA from the pace since the first
/// report (so a resumed run does not count the steps it skipped). Reports synchronously on the reporting thread.
/// </summary>
public sealed class MovingLossProgress : IProgress<(int Step, double Loss)>
{
    private readonly string _phase;
    private readonly int _totalSteps;
    private readonly IProgress<ZeroProgress>? _target;
    private readonly int _window;
    private readonly Queue<double> _losses = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int? _firstStep;

    /// <summary>Creates the adapter; its clock starts now.</summary>
    /// <param name="phase">The phase name of the reports (e.g. <c>pretrain</c>).</param>
    /// <param name="totalSteps">Steps of the phase, for the ETA.</param>
    /// <param name="target">Receives the reports; null to only keep the mean.</param>
    /// <param name="window">Steps in the moving average. Default 20.</param>
    public MovingLossProgress(string phase, int totalSteps, IProgress<ZeroProgress>? target, int window = 20)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _phase = phase;
        _totalSteps = totalSteps;
        _target = target;
        _window = window;
    }

    /// <summary>Mean loss of the last steps reported; NaN before the first report.</summary>
    public double MeanLoss => _losses.Count == 0 ? double.NaN : _losses.Average();

    /// <inheritdoc />
    public void Report((int Step, double Loss) value)
    {
        _firstStep ??= value.Step;
        _losses.Enqueue(value.Loss);
        if (_losses.Count > _window) _losses.Dequeue();
        double perStep = _clock.Elapsed.TotalSeconds / (value.Step - _firstStep.Value + 1);
        _target?.Report(new ZeroProgress(_phase, value.Step, _totalSteps, new Dictionary<string, double> { ["loss"] = MeanLoss },
            TimeSpan.FromSeconds(perStep * (_totalSteps - value.Step))));
    }
}
