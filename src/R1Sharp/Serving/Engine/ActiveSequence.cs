using R1Sharp.Generation;
using TorchSharp;

namespace R1Sharp.Serving.Engine;

/// <summary>A job while it is in the running batch: its tokens so far and its own random generator.</summary>
internal sealed class ActiveSequence : IDisposable
{
    public ActiveSequence(GenerationJob job, torch.Device device)
    {
        Job = job;
        Generator = new torch.Generator((ulong)(job.Options.Seed ?? Random.Shared.NextInt64()), device);
        Eos = [.. job.Options.EosIds];
        StopMatcher = job.Options.StopStrings.Count > 0 ? new StopStringMatcher(job.Options.StopStrings, job.Options.Decoder!) : null;
    }

    public GenerationJob Job { get; }

    public torch.Generator Generator { get; }

    public HashSet<int> Eos { get; }

    public StopStringMatcher? StopMatcher { get; }

    public List<int> Tokens { get; } = [];

    public void Dispose() => Generator.Dispose();
}
