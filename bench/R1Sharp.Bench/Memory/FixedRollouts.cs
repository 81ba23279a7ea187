using System.Text.Json;
using R1Sharp.Rewards;
using R1Sharp.Text;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Bench.Memory;

/// <summary>
/// Stand-ins for sampling, so that the GRPO update is what the memory benchmark measures: every prompt is the same
/// 64 random ids, every completion 256 random ids (seeded, never an end-of-sequence id), and the reward of a
/// completion is a fixed function of its ids, so group advantages are non-zero.
/// </summary>
internal sealed class FixedRollouts(int vocabulary, int promptLength, int completionLength) : IRolloutEngine, ITextTokenizer, IPromptSource, IRewardFunction
{
    private const int EndOfText = 151_643;

    public int VocabSize => vocabulary;

    public int? BosId => null;

    public IReadOnlyList<int> EosIds => [EndOfText];

    public int PadId => EndOfText;

    public string Name => "fixed";

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false)
    {
        var random = new Random(promptLength);
        return [.. Enumerable.Range(0, promptLength).Select(_ => random.Next(EndOfText))];
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => string.Join(' ', ids);

    public PromptRow Get(long position) => new("prompt", new Dictionary<string, JsonElement>());

    public Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken)
    {
        var random = new Random(17);
        IReadOnlyList<Rollout> rollouts = [.. prompts.Select((_, index) =>
            new Rollout(index, [.. Enumerable.Range(0, completionLength).Select(_ => random.Next(EndOfText))], null, Truncated: true))];
        return Task.FromResult(rollouts);
    }

    public Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<double?>(input.Completion.Split(' ').Sum(id => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)) % 7 / 6.0);
}
