using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Generation;

/// <summary>
/// One random generator per group of <see cref="GroupSeeds"/>: each step, the live rows of a group (consecutive, in
/// prompt order) draw their tokens in one <see cref="GumbelMaxDraw"/> call on that group's generator, exactly the call a batch holding
/// only that group would make with a single generator of the same seed.
/// </summary>
internal sealed class GroupGenerators : IDisposable
{
    private readonly GroupSeeds _seeds;
    private readonly Generator[] _generators;

    public GroupGenerators(GroupSeeds seeds, Device device)
    {
        _seeds = seeds;
        _generators = [.. seeds.Seeds.Select(s => new Generator((ulong)s, device))];
    }

    /// <summary>One id per row of <paramref name="probabilities"/> [N, V]; row i is prompt <paramref name="promptOfRow"/>(i), rows in prompt order.</summary>
    public Tensor Draw(Tensor probabilities, Func<int, int> promptOfRow)
    {
        long n = probabilities.shape[0];
        var parts = new List<Tensor>();
        for (int start = 0; start < n;)
        {
            int group = _seeds.GroupOf(promptOfRow(start));
            int end = start + 1;
            while (end < n && _seeds.GroupOf(promptOfRow(end)) == group) end++;
            parts.Add(GumbelMaxDraw.Draw(probabilities.narrow(0, start, end - start), _generators[group]));
            start = end;
        }
        return parts.Count == 1 ? parts[0] : torch.cat(parts, 0);
    }

    public void Dispose()
    {
        foreach (var g in _generators) g.Dispose();
    }
}
