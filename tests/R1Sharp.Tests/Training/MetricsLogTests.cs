using System.Text;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Tests.Training;

public sealed class MetricsLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-metrics").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Crc32CMatchesTheStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void EventFileDecodesToWhatWasWritten()
    {
        using (var log = new MetricsLog(_dir, null))
        {
            log.Write(new StepMetrics(1, new Dictionary<string, double> { ["reward"] = 0.25, ["rewards/accuracy/mean"] = 0.5 }));
            log.Write(new StepMetrics(2, new Dictionary<string, double> { ["reward"] = 0.75 }));
        }
        string file = Assert.Single(Directory.GetFiles(_dir, "events.out.tfevents.*"));
        var events = TensorBoardEventFile.ReadScalars(file);
        Assert.Equal(3, events.Count);
        Assert.Contains(events, e => e.Step == 1 && e.Tag == "rewards/accuracy/mean" && e.Value == 0.5f);
        Assert.Contains(events, e => e.Step == 2 && e.Tag == "reward" && e.Value == 0.75f);
        Assert.All(events, e => Assert.True(e.WallTime > 1.6e9));
    }

    [Fact]
    public void CorruptedRecordIsDetected()
    {
        using (var log = new MetricsLog(_dir, null))
            log.Write(new StepMetrics(1, new Dictionary<string, double> { ["reward"] = 1 }));
        string file = Directory.GetFiles(_dir, "events.out.tfevents.*")[0];
        var bytes = File.ReadAllBytes(file);
        bytes[^6] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        Assert.Throws<InvalidDataException>(() => TensorBoardEventFile.ReadScalars(file));
    }

    [Fact]
    public void ResumeCutsLogsBackToTheCheckpointStep()
    {
        using (var log = new MetricsLog(_dir, null))
            for (int s = 1; s <= 5; s++) log.Write(new StepMetrics(s, new Dictionary<string, double> { ["reward"] = s / 10.0 }));
        File.AppendAllText(Path.Combine(_dir, MetricsLog.JsonlFileName), "{\"step\":6,\"rew"); // torn line of a killed run
        using (var log = new MetricsLog(_dir, resumeAfterStep: 3))
            log.Write(new StepMetrics(4, new Dictionary<string, double> { ["reward"] = 0.9 }));
        var steps = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, steps.Select(s => s.Step));
        Assert.Equal(0.9, steps[^1].Values["reward"]);
        var events = TensorBoardEventFile.ReadScalars(Assert.Single(Directory.GetFiles(_dir, "events.out.tfevents.*")));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, events.Select(e => e.Step));
    }
}
