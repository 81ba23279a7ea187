using System.Globalization;
using System.Text.Json;
using R1Sharp.IO;
using R1Sharp.RewardModels;
using R1Sharp.Training.Checkpointing;
using static TorchSharp.torch;

namespace R1Sharp.Pipeline;

/// <summary>
/// The reward model of <c>r1 pipeline</c>: a scalar head on the base model, trained with <c>r1 rm</c>'s trainer
/// (Bradley–Terry) on preference pairs of the built-in chat task ranked by its rule judge. It is the helpfulness
/// reward of stage 4, the judge of stage 3's chat data, and the rm_score of every stage. Kept in DIR/reward_model.
/// </summary>
internal static class RewardModelStage
{
    private const string RecordFileName = "reward_model.json";

    /// <summary>Preference pair number i: two written responses to a training chat prompt that the judge ranks apart (the better is chosen).</summary>
    public static (string Prompt, string Chosen, string Rejected) Pair(ChatTask chat, int seed, long index)
    {
        int n = chat.Training(index);
        var random = new Random(StableSeed.Derive(seed, index, 0x9A1));
        for (int attempt = 0; ; attempt++)
        {
            string a = ChatTask.Response(n, 0.5, random), b = ChatTask.Response(n, 0.5, random);
            double sa = ChatTask.Judge(n, a), sb = ChatTask.Judge(n, b);
            if (sa != sb || attempt > 20) return sa >= sb ? (ChatTask.Prompt(n), a, b) : (ChatTask.Prompt(n), b, a);
        }
    }

    /// <summary>Trains (or finds) the reward model and loads it; returns it with its held-out accuracy.</summary>
    public static async Task<(RewardModel Model, double Accuracy)> TrainOrLoadAsync(PipelineRun run)
    {
        var options = run.Options;
        string dir = run.StageDirectory(PipelineStages.RewardModel);
        string trainDir = Path.Combine(dir, "train");
        string final = Path.Combine(trainDir, CheckpointStore.FinalDirectoryName);
        string recordPath = Path.Combine(dir, RecordFileName);
        if (File.Exists(recordPath) && Directory.Exists(final))
        {
            run.Report(PipelineStages.RewardModel, 1, 1, new Dictionary<string, double> { ["kept"] = 1 });
            var stored = JsonSerializer.Deserialize<Dictionary<string, double>>(await File.ReadAllTextAsync(recordPath, run.Token).ConfigureAwait(false))!;
            return (RewardModelCheckpoint.Load(final, run.Device, ScalarType.Float32), stored["accuracy"]);
        }
        var pairs = Enumerable.Range(0, options.PreferencePairs).Select(i =>
        {
            var (prompt, chosen, rejected) = Pair(run.World.Chat, options.Seed, i);
            return new TokenizedPair([.. run.Tokenizer.Encode(prompt + chosen)], [.. run.Tokenizer.Encode(prompt + rejected)],
                $"built-in chat pair {i.ToString(CultureInfo.InvariantCulture)}");
        }).ToList();
        int validation = Math.Max(1, pairs.Count / 10);
        var (epochs, batch, rate) = options.RewardModelTraining;
        var rmOptions = new RewardModelOptions
        {
            OutputDirectory = trainDir,
            Epochs = epochs,
            BatchSize = batch,
            LearningRate = rate,
            WarmupRatio = 0.05,
            SaveSteps = 20,
            SaveTotalLimit = 1,
            LoggingSteps = 10,
            ValidationFraction = 0,
            MaxLength = 256,
            Seed = options.Seed,
        };
        using (var model = RewardModelCheckpoint.Load(run.ModelDirectory(PipelineStages.Base), run.Device, ScalarType.Float32, headSeed: options.Seed))
        {
            var trainer = new RewardModelTrainer(model, null, pairs[validation..], pairs[..validation], rmOptions, run.Tokenizer.PadId);
            bool started = new CheckpointStore<RewardModelTrainerState>(trainDir).Latest() is not null;
            var progress = new SynchronousProgress<RewardModelProgress>(p => run.Report(PipelineStages.RewardModel, p.Step, p.TotalSteps,
                new Dictionary<string, double> { ["loss"] = p.Loss, ["accuracy"] = p.Accuracy }));
            var result = await trainer.TrainAsync(started ? RewardModelTrainer.LatestCheckpoint : null, progress, run.Token).ConfigureAwait(false);
            double accuracy = result.Final?.Accuracy ?? 0;
            var record = new Dictionary<string, double>
            {
                ["accuracy"] = accuracy,
                ["accuracy_before"] = result.InitialAccuracy ?? 0,
                ["pairs"] = pairs.Count - validation,
                ["held_out_pairs"] = validation,
                ["steps"] = result.Steps,
            };
            await AtomicFile.WriteAllTextAsync(recordPath, JsonSerializer.Serialize(record), run.Token).ConfigureAwait(false);
        }
        return (RewardModelCheckpoint.Load(final, run.Device, ScalarType.Float32), Record(run)["accuracy"]);
    }

    /// <summary>The stored record (accuracy, pairs, steps).</summary>
    public static Dictionary<string, double> Record(PipelineRun run) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(run.StageDirectory(PipelineStages.RewardModel), RecordFileName)))!;
}
