using R1Sharp.Distributed;
using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Data;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Sft;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 sft`: supervised fine-tuning on chat data (assistant tokens only), packed, with checkpoints and resume.</summary>
internal static class SftCommand
{
    public static Command Create()
    {
        var defaults = new SftOptions { OutputDirectory = "." };
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model directory to fine-tune.", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "Training data (.jsonl/.json/.parquet) with 'messages' or 'prompt'/'completion' columns.", Required = true };
        var output = new Option<DirectoryInfo>("--output", "--out") { Description = "Run directory: checkpoints/checkpoint-N/, metrics.jsonl, TensorBoard events and final/ (the trained model).", Required = true };
        var validation = new Option<FileInfo?>("--validation-data") { Description = "Separate validation data (default: hold out --validation-fraction of --data)." };
        var template = new Option<string>("--template") { Description = "Chat format: auto (model's; R1 templates -> deepseek-r1), model, chatml, deepseek-r1.", DefaultValueFactory = _ => "auto" };
        var coldStart = new Option<bool>("--cold-start") { Description = "Fold 'reasoning'/'reasoning_content' fields into R1's cold-start format: <think>reasoning</think> summary." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data (R1: 2).", DefaultValueFactory = _ => defaults.Epochs };
        var maxSteps = new Option<int>("--max-steps") { Description = "Stop after this many optimizer steps (0 = all epochs).", DefaultValueFactory = _ => 0 };
        var learningRate = new Option<double>("--learning-rate") { Description = "Peak learning rate (TRL: 2e-5).", DefaultValueFactory = _ => defaults.LearningRate };
        var schedule = new Option<string>("--lr-schedule") { Description = "cosine, linear or constant after warmup.", DefaultValueFactory = _ => "cosine" };
        var warmup = new Option<double>("--warmup-ratio") { Description = "Share of steps in linear warmup.", DefaultValueFactory = _ => defaults.WarmupRatio };
        var minRatio = new Option<double>("--min-lr-ratio") { Description = "Final learning rate as a share of the peak (cosine/linear).", DefaultValueFactory = _ => defaults.MinLearningRateRatio };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var maxGradNorm = new Option<double>("--max-grad-norm") { Description = "Gradient clipping norm (0 = off).", DefaultValueFactory = _ => defaults.MaxGradNorm };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per micro-batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var accumulation = new Option<int>("--gradient-accumulation") { Description = "Micro-batches per optimizer step.", DefaultValueFactory = _ => defaults.GradientAccumulationSteps };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per row (longest sample; packed row capacity).", DefaultValueFactory = _ => defaults.MaxLength };
        var dropOverlong = new Option<bool>("--drop-overlong") { Description = "Leave out samples longer than --max-length instead of truncating them." };
        var layout = new Option<string>("--layout") { Description = "packed (several samples per row, no cross attention) or bucketed (one per row, similar lengths).", DefaultValueFactory = _ => "packed" };
        var validationFraction = new Option<double>("--validation-fraction") { Description = "Share of --data held out for validation loss.", DefaultValueFactory = _ => defaults.ValidationFraction };
        var evalSteps = new Option<int>("--eval-steps") { Description = "Validation every N steps (0 = each epoch end).", DefaultValueFactory = _ => defaults.EvalSteps };
        var loggingSteps = new Option<int>("--logging-steps") { Description = "metrics.jsonl line every N steps.", DefaultValueFactory = _ => defaults.LoggingSteps };
        var saveSteps = new Option<int>("--save-steps") { Description = "Checkpoint every N steps (0 = only at the end).", DefaultValueFactory = _ => defaults.SaveSteps };
        var saveLimit = new Option<int>("--save-total-limit") { Description = "Checkpoints kept (0 = all).", DefaultValueFactory = _ => defaults.SaveTotalLimit };
        var seed = new Option<int>("--seed") { Description = "Seed of the validation split and data order.", DefaultValueFactory = _ => defaults.Seed };
        var resume = new Option<string?>("--resume") { Description = "Resume: a checkpoint directory, or 'latest' (the default when no value is given) for the newest under --output (refused if a setting that alters the run changed).", Arity = ArgumentArity.ZeroOrOne };
        var config = new Option<string?>("--config") { Description = "SFT options file (.json, .yaml) with TRL SFTConfig keys (num_train_epochs, per_device_train_batch_size, lr_scheduler_type, ...); flags given on the command line win over it; see docs/sft.md." };
        var set = new Option<string[]>("--set") { Description = "Option override key=value with the config-file keys (e.g. --set learning_rate=1e-5); repeatable; wins over --config and flags.", AllowMultipleArgumentsPerToken = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start afresh in an --output that holds an earlier run: delete its checkpoints, metrics and final/ first (without it, such a start is refused)." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "Training dtype f32 or bf16 (default: the checkpoint's); bf16 is pure bf16 training, see --bf16." };
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 mixed precision: bf16 forward/backward, float32 master weights, AdamW state and checkpoints (TRL bf16; not with --dtype bf16 or LoRA)." };

        var command = new Command("sft", "Supervised fine-tuning on chat data: loss on assistant tokens only, packed sequences, checkpoints and --resume.")
        {
            model, data, output, validation, template, coldStart, epochs, maxSteps, learningRate, schedule, warmup, minRatio, weightDecay,
            maxGradNorm, batchSize, accumulation, maxLength, dropOverlong, layout, validationFraction, evalSteps, loggingSteps, saveSteps,
            saveLimit, seed, resume, overwrite, device, dtype, bf16, config, set,
        };
        var lora = new LoraFlags();
        foreach (var option in lora.All) command.Options.Add(option);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            string outputDirectory = parse.GetValue(output)!.FullName;
            // Flags the user typed are one more settings source, between --config and --set; flags left at their
            // defaults do not count, so a config file's value is not overridden by a default.
            var flags = new List<OptionsSource>();
            void Flag<T>(Option<T> option, string key)
            {
                if (parse.GetResult(option) is { Implicit: false })
                    flags.Add(new OptionsSource(new JsonObject { [key] = JsonSerializer.SerializeToNode(parse.GetValue(option)) }, option.Name));
            }
            Flag(epochs, "num_train_epochs");
            Flag(maxSteps, "max_steps");
            Flag(learningRate, "learning_rate");
            Flag(schedule, "lr_scheduler_type");
            Flag(warmup, "warmup_ratio");
            Flag(minRatio, "min_lr_rate");
            Flag(weightDecay, "weight_decay");
            Flag(maxGradNorm, "max_grad_norm");
            Flag(batchSize, "per_device_train_batch_size");
            Flag(accumulation, "gradient_accumulation_steps");
            Flag(maxLength, "max_length");
            Flag(dropOverlong, "drop_overlong_samples");
            Flag(layout, "layout");
            Flag(validationFraction, "validation_fraction");
            Flag(evalSteps, "eval_steps");
            Flag(loggingSteps, "logging_steps");
            Flag(saveSteps, "save_steps");
            Flag(saveLimit, "save_total_limit");
            Flag(seed, "seed");
            Flag(bf16, "bf16");
            foreach (var (key, value, flag) in lora.Settings(parse)) flags.Add(new OptionsSource(new JsonObject { [key] = value }, flag));
            var training = await SftOptionsFile.LoadAsync(parse.GetValue(config), flags, parse.GetValue(set) ?? [],
                new SftOptions { OutputDirectory = outputDirectory }, cancellationToken).ConfigureAwait(false);
            string? resumeFrom = parse.GetResult(resume) is null ? null : parse.GetValue(resume) ?? SftTrainer.LatestCheckpoint;
            var request = new SftRunRequest
            {
                ModelDirectory = parse.GetValue(model)!.FullName,
                DataPath = parse.GetValue(data)!.FullName,
                ValidationPath = parse.GetValue(validation)?.FullName,
                Template = ParseTemplate(parse.GetValue(template)!),
                ColdStart = parse.GetValue(coldStart) ? new ColdStartFormat() : null,
                Device = parse.GetValue(device)!,
                Dtype = parse.GetValue(dtype),
                ResumeFrom = resumeFrom,
                Overwrite = parse.GetValue(overwrite),
                Training = training,
            };
            var result = await SftProgressView.RunAsync(
                progress => SftPipeline.RunAsync(request, stdout.WriteLine, progress, cancellationToken), stdout).ConfigureAwait(false);
            if (CollectiveBackends.Current is { Rank: > 0 }) return 0; // one report per job, from rank 0
            if (result.StepsRun == 0)
            {
                stdout.WriteLine($"already complete: {result.Steps} steps were done before this resume; model in {result.ModelDirectory}");
                return 0;
            }
            stdout.WriteLine($"done: {result.Steps} steps, train loss {result.FirstLoss:F4} -> {result.LastLoss:F4}" +
                (result.ValidationLoss is { } v ? $", validation loss {v:F4}" : "") +
                $", padding {result.MeanPaddingShare:P1}; model in {result.ModelDirectory}");
            return 0;
        });
        return command;
    }

    internal static SftTemplateChoice ParseTemplate(string value) => value.ToLowerInvariant() switch
    {
        "auto" => SftTemplateChoice.Auto,
        "model" => SftTemplateChoice.Model,
        "chatml" => SftTemplateChoice.ChatMarkup,
        "deepseek-r1" or "r1" => SftTemplateChoice.DeepSeekR1,
        _ => throw new ArgumentException($"--template: unknown value '{value}' (auto, model, chatml, deepseek-r1)"),
    };
}
