using R1Sharp.Training.Configuration;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Cli.Errors;
using R1Sharp.RewardModels;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 rm`: reward-model training on preference pairs (Bradley–Terry), saved as a sequence-classification checkpoint.</summary>
internal static class RmCommand
{
    public static Command Create()
    {
        var defaults = new RewardModelOptions { OutputDirectory = "." };
        var model = new Option<DirectoryInfo>("--model") { Description = "Checkpoint to start from: a causal LM (a scalar head is added) or a reward model.", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "Preference pairs (.jsonl/.json/.parquet): prompt/chosen/rejected strings, or TRL's conversational chosen/rejected message lists.", Required = true };
        var output = new Option<DirectoryInfo>("--output", "--out") { Description = "Run directory: checkpoints/, metrics.jsonl, rm_summary.json and final/ (the reward model).", Required = true };
        var validation = new Option<FileInfo?>("--validation-data") { Description = "Held-out pairs (default: hold out --validation-fraction of --data)." };
        var template = new Option<string>("--template") { Description = "Chat format of conversational pairs: auto, model, chatml, deepseek-r1.", DefaultValueFactory = _ => "auto" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the pairs.", DefaultValueFactory = _ => defaults.Epochs };
        var maxSteps = new Option<int>("--max-steps") { Description = "Stop after this many optimizer steps (0 = all epochs).", DefaultValueFactory = _ => 0 };
        var learningRate = new Option<double>("--learning-rate") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var batchSize = new Option<int>("--batch-size") { Description = "Pairs per micro-batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var accumulation = new Option<int>("--gradient-accumulation") { Description = "Micro-batches per optimizer step.", DefaultValueFactory = _ => defaults.GradientAccumulationSteps };
        var maxLength = new Option<int>("--max-length") { Description = "Pairs with a side longer than this many tokens are left out.", DefaultValueFactory = _ => defaults.MaxLength };
        var center = new Option<double>("--center-rewards-coefficient") { Description = "Weight of the mean (r_chosen + r_rejected)^2 term that centres scores (TRL; 0 = off).", DefaultValueFactory = _ => 0 };
        var validationFraction = new Option<double>("--validation-fraction") { Description = "Share of --data held out for accuracy.", DefaultValueFactory = _ => defaults.ValidationFraction };
        var evalSteps = new Option<int>("--eval-steps") { Description = "Held-out accuracy every N steps (0 = before and after training).", DefaultValueFactory = _ => defaults.EvalSteps };
        var loggingSteps = new Option<int>("--logging-steps") { Description = "metrics.jsonl line every N steps.", DefaultValueFactory = _ => defaults.LoggingSteps };
        var saveSteps = new Option<int>("--save-steps") { Description = "Checkpoint every N steps (0 = only at the end).", DefaultValueFactory = _ => defaults.SaveSteps };
        var seed = new Option<int>("--seed") { Description = "Seed of the split, data order and new head.", DefaultValueFactory = _ => defaults.Seed };
        var gradientCheckpointing = new Option<bool>("--gradient-checkpointing") { Description = "Recompute decoder activations in backward (less memory, ~one more forward)." };
        var resume = new Option<string?>("--resume") { Description = "Resume: a checkpoint directory, or 'latest' (the default when no value is given).", Arity = ArgumentArity.ZeroOrOne };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start afresh in an --output that holds an earlier run (its checkpoints, metrics and final/ are deleted)." };
        var config = new Option<string?>("--config") { Description = "Options file (.json, .yaml) with TRL RewardConfig keys; flags win over it; see docs/reward-models.md." };
        var set = new Option<string[]>("--set") { Description = "Option override key=value (config-file keys); repeatable; wins over --config and flags.", AllowMultipleArgumentsPerToken = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "Training dtype f32 or bf16 (default: the checkpoint's)." };

        var command = new Command("rm", "Train a reward model on preference pairs (Bradley-Terry loss); saves a ...ForSequenceClassification checkpoint and held-out accuracy.")
        {
            model, data, output, validation, template, epochs, maxSteps, learningRate, batchSize, accumulation, maxLength, center,
            validationFraction, evalSteps, loggingSteps, saveSteps, seed, gradientCheckpointing, resume, overwrite, config, set, device, dtype,
        };
        var lora = new LoraFlags();
        foreach (var option in lora.All) command.Options.Add(option);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var flags = new List<OptionsSource>();
            void Flag<T>(Option<T> option, string key)
            {
                if (parse.GetResult(option) is { Implicit: false })
                    flags.Add(new OptionsSource(new JsonObject { [key] = JsonSerializer.SerializeToNode(parse.GetValue(option)) }, option.Name));
            }
            Flag(epochs, "num_train_epochs");
            Flag(maxSteps, "max_steps");
            Flag(learningRate, "learning_rate");
            Flag(batchSize, "per_device_train_batch_size");
            Flag(accumulation, "gradient_accumulation_steps");
            Flag(maxLength, "max_length");
            Flag(center, "center_rewards_coefficient");
            Flag(validationFraction, "validation_fraction");
            Flag(evalSteps, "eval_steps");
            Flag(loggingSteps, "logging_steps");
            Flag(saveSteps, "save_steps");
            Flag(seed, "seed");
            Flag(gradientCheckpointing, "gradient_checkpointing");
            foreach (var (key, value, flag) in lora.Settings(parse)) flags.Add(new OptionsSource(new JsonObject { [key] = value }, flag));
            var training = await RewardModelOptionsFile.LoadAsync(parse.GetValue(config), flags, parse.GetValue(set) ?? [],
                new RewardModelOptions { OutputDirectory = parse.GetValue(output)!.FullName }, cancellationToken).ConfigureAwait(false);
            string? resumeFrom = parse.GetResult(resume) is null ? null : parse.GetValue(resume) ?? RewardModelTrainer.LatestCheckpoint;
            var request = new RewardModelRunRequest
            {
                ModelDirectory = parse.GetValue(model)!.FullName,
                DataPath = parse.GetValue(data)!.FullName,
                ValidationPath = parse.GetValue(validation)?.FullName,
                Template = SftCommand.ParseTemplate(parse.GetValue(template)!),
                Device = parse.GetValue(device)!,
                Dtype = parse.GetValue(dtype),
                ResumeFrom = resumeFrom,
                Overwrite = parse.GetValue(overwrite),
                Training = training,
            };
            var result = await RewardModelPipeline.RunAsync(request, stdout.WriteLine, new SynchronousProgress<RewardModelProgress>(p => Report(p, stdout)), cancellationToken).ConfigureAwait(false);
            string accuracy = result.Final is { } final
                ? string.Create(CultureInfo.InvariantCulture, $", held-out accuracy {result.InitialAccuracy:P1} -> {final.Accuracy:P1} on {final.Pairs} pairs (margin {final.MeanMargin:F3})")
                : " (no held-out pairs)";
            stdout.WriteLine(result.StepsRun == 0
                ? $"already complete: {result.Steps} steps were done before this resume; reward model in {result.ModelDirectory}"
                : string.Create(CultureInfo.InvariantCulture, $"done: {result.Steps} steps, loss {result.FirstLoss:F4} -> {result.LastLoss:F4}{accuracy}; reward model in {result.ModelDirectory}"));
            return 0;
        });
        return command;
    }

    // Every step when short, else about 100 lines per run.
    private static void Report(RewardModelProgress p, TextWriter output)
    {
        int every = Math.Max(1, p.TotalSteps / 100);
        if (p.Step % every != 0 && p.Step != p.TotalSteps && p.EvalAccuracy is null) return;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"step {p.Step}/{p.TotalSteps} loss {p.Loss:F4} acc {p.Accuracy:P0} lr {p.LearningRate:E2}{(p.EvalAccuracy is { } e ? $" eval acc {e:P1}" : "")}"));
    }
}
