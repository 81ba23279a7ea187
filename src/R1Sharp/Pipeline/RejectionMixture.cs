using System.Text.Json;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.RewardModels;
using R1Sharp.Tasks;

namespace R1Sharp.Pipeline;

/// <summary>
/// Stage 3's data (DeepSeek-R1 §2.3.3): the stage-2 model sampled on reasoning prompts, keeping only the correct,
/// well-formatted, non-mixed, distinct answers; plus non-reasoning (chat) data: candidate responses written for
/// training chat prompts, judged by the reward model (the best of each prompt's candidates is kept) or, with
/// <see cref="PipelineOptions.Judge"/>, by a generative judge (the first candidate it accepts is kept). Saved as
/// DIR/rejection_sft/data.jsonl so that a resumed run fine-tunes on the same mixture.
/// </summary>
internal static class RejectionMixture
{
    private const string DataFileName = "data.jsonl";

    /// <summary>One example of the mixture.</summary>
    public sealed record Example(string Kind, string Prompt, string Completion);

    public static async Task<(List<Example> Examples, Dictionary<string, double> Counts)> BuildOrLoadAsync(PipelineRun run, RewardModel rewardModel)
    {
        string path = Path.Combine(run.StageDirectory(PipelineStages.RejectionSft), DataFileName);
        if (File.Exists(path))
        {
            var stored = File.ReadLines(path).Select(l => JsonSerializer.Deserialize<Example>(l, PipelineRun.Json)!).ToList();
            return (stored, Counts(stored));
        }
        var options = run.Options;
        var world = run.World;
        string sampledFrom = PipelineStages.SamplesFrom(PipelineStages.RejectionSft)!;
        run.Report(PipelineStages.RejectionSft + " sample", 0, 1);
        using var model = R1Sharp.Training.Zero.ZeroGrpoRun.Load(run.Config, run.Device, run.Tokenizer, run.ModelDirectory(sampledFrom));
        var problems = Enumerable.Range(0, options.RejectionPrompts).Select(i => world.Suite.TrainingProblem(i, PipelineWorld.RejectionStream)).ToList();
        var prompts = problems.SelectMany((p, i) => Enumerable.Repeat(PipelineWorld.ReasoningPrompt(p, world.AsksInLingua(PipelineWorld.RejectionStream, i)), options.RejectionSamples)).ToList();
        var sampled = ModelSampler.Sample(model, run.Tokenizer, prompts, options.ReasoningRl.MaxCompletionLength,
            PipelineEvaluator.Temperature, PipelineEvaluator.TopP, options.Seed + 31, run.Token);
        var examples = new List<Example>();
        int correct = 0, formatted = 0;
        for (int p = 0; p < problems.Count; p++)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int s = 0; s < options.RejectionSamples; s++)
            {
                string text = sampled[p * options.RejectionSamples + s].Text;
                bool right = AnswerScoring.IsCorrect(world.Suite.TaskOf(problems[p]), problems[p], text);
                correct += right ? 1 : 0;
                bool ok = right && SummaryFormatReward.IsWellFormatted(text);
                formatted += ok ? 1 : 0;
                if (ok && !Lingua.IsMixed(text, Lingua.AsksInLingua(prompts[p * options.RejectionSamples])) && seen.Count < options.MaxKeptPerPrompt && seen.Add(text))
                    examples.Add(new Example("reasoning", prompts[p * options.RejectionSamples], text));
            }
        }
        // At least a few chat examples, so that the stage always adds non-reasoning data (and a weak stage 2 still leaves a mixture).
        int chatPrompts = Math.Max(8, (int)Math.Ceiling(examples.Count * options.ChatPerReasoning));
        var judgeCounts = new Dictionary<string, double>();
        if (options.Judge is { } judge) examples.AddRange(await ChatJudging.AcceptedAsync(run, judge, chatPrompts, judgeCounts).ConfigureAwait(false));
        else examples.AddRange(JudgedChat(run, rewardModel, chatPrompts));
        await AtomicFile.WriteAllTextAsync(path, string.Concat(examples.Select(e => JsonSerializer.Serialize(e, PipelineRun.Json).ReplaceLineEndings("") + "\n")), run.Token).ConfigureAwait(false);
        var counts = Counts(examples);
        counts["sampled"] = sampled.Count;
        counts["correct"] = correct;
        counts["correct_and_formatted"] = formatted;
        foreach (var (name, value) in judgeCounts) counts[name] = value;
        return (examples, counts);
    }

    /// <summary>
    /// Chat data judged by the reward model: for each of <paramref name="count"/> training chat prompts, the candidate of
    /// the built-in writer that the reward model scores highest.
    /// </summary>
    private static IEnumerable<Example> JudgedChat(PipelineRun run, RewardModel rewardModel, int count)
    {
        var options = run.Options;
        var chosen = new List<Example>(count);
        for (int i = 0; i < count; i++)
        {
            int n = ChatValue(run, i);
            var candidates = Candidates(run, i, n);
            string prompt = ChatTask.Prompt(n);
            var scores = rewardModel.Score([.. candidates.Select(c => (IReadOnlyList<int>)[.. run.Tokenizer.Encode(prompt + c)])], run.Tokenizer.PadId, 64, run.Token);
            int best = Array.IndexOf(scores, scores.Max());
            chosen.Add(new Example("chat", prompt, candidates[best]));
        }
        return chosen;
    }

    /// <summary>Chat prompt number <paramref name="index"/> of the mixture: its N.</summary>
    public static int ChatValue(PipelineRun run, int index) => run.World.Chat.Training(index + 7_919);

    /// <summary>The written candidates for chat prompt number <paramref name="index"/> (the same whichever judge chooses).</summary>
    public static List<string> Candidates(PipelineRun run, int index, int n)
    {
        var random = new Random(R1Sharp.Training.Checkpointing.StableSeed.Derive(run.Options.Seed, index, 0xC4A));
        return [.. Enumerable.Range(0, run.Options.ChatCandidates).Select(_ => ChatTask.Response(n, 0.4, random))];
    }

    private static Dictionary<string, double> Counts(List<Example> examples) => new()
    {
        ["kept_reasoning"] = examples.Count(e => e.Kind == "reasoning"),
        ["chat"] = examples.Count(e => e.Kind == "chat"),
        ["chat_judge_of_kept"] = examples.Where(e => e.Kind == "chat").Select(e => ChatTask.Judge(NumberOf(e.Prompt), e.Completion)).DefaultIfEmpty(0).Average(),
    };

    private static int NumberOf(string chatPrompt) =>
        int.Parse(new string([.. chatPrompt.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit)]), System.Globalization.CultureInfo.InvariantCulture);
}
