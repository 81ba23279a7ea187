using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Data;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
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
        var resume = new Option<string?>("--resume") { Description = "Resume: a checkpoint directory, or 'latest' for the newest under --output (refused if a setting that alters the run changed)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start afresh in an --output that holds an earlier run: delete its checkpoints, metrics and final/ first (without it, such a start is refused)." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "Training dtype f32 or bf16 (default: the checkpoint's)." };

        var command = new Command("sft", "Supervised fine-tuning on chat data: loss on assistant tokens only, packed sequences, checkpoints and --resume.")
        {
            model, data, output, validation, template, coldStart, epochs, maxSteps, learningRate, schedule, warmup, minRatio, weightDecay,
            maxGradNorm, batchSize, accumulation, maxLength, dropOverlong, layout, validationFraction, evalSteps, loggingSteps, saveSteps,
            saveLimit, seed, resume, overwrite, device, dtype,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            string outputDirectory = parse.GetValue(output)!.FullName;
            var training = new SftOptions
            {
                OutputDirectory = outputDirectory,
                Epochs = parse.GetValue(epochs),
                MaxSteps = parse.GetValue(maxSteps),
                LearningRate = parse.GetValue(learningRate),
                Schedule = CliEnums.Parse<LearningRateScheduleKind>(parse.GetValue(schedule)!, "--lr-schedule"),
                WarmupRatio = parse.GetValue(warmup),
                MinLearningRateRatio = parse.GetValue(minRatio),
                WeightDecay = parse.GetValue(weightDecay),
                MaxGradNorm = parse.GetValue(maxGradNorm),
                BatchSize = parse.GetValue(batchSize),
                GradientAccumulationSteps = parse.GetValue(accumulation),
                MaxLength = parse.GetValue(maxLength),
                DropOverlongSamples = parse.GetValue(dropOverlong),
                Layout = CliEnums.Parse<SequenceLayout>(parse.GetValue(layout)!, "--layout"),
                ValidationFraction = parse.GetValue(validationFraction),
                EvalSteps = parse.GetValue(evalSteps),
                LoggingSteps = parse.GetValue(loggingSteps),
                SaveSteps = parse.GetValue(saveSteps),
                SaveTotalLimit = parse.GetValue(saveLimit),
                Seed = parse.GetValue(seed),
            };
            string? resumeFrom = parse.GetValue(resume);
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
