using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Cli.LlamaCpp;
using R1Sharp.Gguf;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 export-gguf`: a Hugging Face checkpoint directory -> one GGUF v3 file for llama.cpp (and LLamaSharp, Ollama, ...).</summary>
public static class ExportGgufCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint directory (config.json, *.safetensors, tokenizer files)", Required = true };
        var output = new Option<string>("--output", "--out") { Description = "GGUF file to write (written to a temporary name, then renamed)", Required = true };
        var type = new Option<string>("--type") { Description = "Weight type: f32 (exact), f16 or bf16", DefaultValueFactory = _ => "f32" };
        var verify = new Option<bool>("--verify")
        {
            Description = "Load the written file with the bundled llama.cpp, run a fixed prompt through both, and print 'max relative logit difference: X' last",
        };
        var command = new Command("export-gguf", "Export a Qwen2/Qwen3/Qwen3-MoE/Llama checkpoint and its tokenizer as a GGUF v3 file for llama.cpp.") { model, output, type, verify };
        command.SetGuardedAction((parse, cancellationToken) => Task.FromResult(Run(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(type)!,
            parse.GetValue(verify), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken)));
        return command;
    }

    /// <summary>The command's work without --verify, callable in-process by tests. Returns the exit code.</summary>
    public static int Run(string modelDirectory, string outputPath, string type, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        Run(modelDirectory, outputPath, type, verify: false, output, error, cancellationToken);

    /// <summary>
    /// The command's work, callable in-process by tests. Returns the exit code. With <paramref name="verify"/>, the
    /// last line written to <paramref name="output"/> is <c>max relative logit difference: X</c>
    /// (max |ours − llama.cpp| / max |ours| over every position of <see cref="GgufReferenceLogits.Prompt"/>).
    /// </summary>
    public static int Run(string modelDirectory, string outputPath, string type, bool verify, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        GgufTensorType tensorType;
        switch (type)
        {
            case "f32": tensorType = GgufTensorType.F32; break;
            case "f16": tensorType = GgufTensorType.F16; break;
            case "bf16": tensorType = GgufTensorType.BF16; break;
            default:
                error.WriteLine($"r1 export-gguf: --type: '{type}' is not supported (f32, f16 or bf16)");
                return ExitCodes.Usage;
        }
        try
        {
            var progress = new Progress<(int Done, int Total)>(p =>
            {
                if (p.Done == p.Total || p.Done % 16 == 0) error.WriteLine($"  tensors {p.Done}/{p.Total}");
            });
            var config = GgufCheckpointExport.Export(modelDirectory, outputPath, tensorType, progress, cancellationToken);
            output.WriteLine($"wrote {outputPath}: {config.ModelType}, {config.NumHiddenLayers} layers, vocab {config.VocabSize}, {type}, {new FileInfo(outputPath).Length:N0} bytes");
            if (verify)
            {
                var (ids, ours) = GgufReferenceLogits.Compute(modelDirectory, cancellationToken);
                var theirs = LlamaCppLogits.Compute(outputPath, ids);
                double difference = GgufReferenceLogits.MaxRelativeDifference(ours, theirs);
                output.WriteLine($"compared {ids.Length} prompt positions x {ours[0].Length} logits with llama.cpp");
                output.WriteLine($"max relative logit difference: {difference:E3}");
            }
            return 0;
        }
        catch (Exception e)
        {
            return CommandFailure.Report("export-gguf", e, error, cancellationToken.IsCancellationRequested);
        }
    }
}
