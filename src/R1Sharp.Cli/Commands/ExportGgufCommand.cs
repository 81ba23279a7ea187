using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Gguf;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 export-gguf`: a Hugging Face checkpoint directory -> one GGUF v3 file for llama.cpp (and LLamaSharp, Ollama, ...).</summary>
public static class ExportGgufCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint directory (config.json, *.safetensors, tokenizer files)", Required = true };
        var output = new Option<string>("--output", "--out") { Description = "GGUF file to write (written to a temporary name, then renamed)", Required = true };
        var type = new Option<string>("--type") { Description = "Weight type: f32 (exact) or f16", DefaultValueFactory = _ => "f32" };
        var command = new Command("export-gguf", "Export a Qwen2/Llama checkpoint and its tokenizer as a GGUF v3 file for llama.cpp.") { model, output, type };
        command.SetGuardedAction((parse, cancellationToken) => Task.FromResult(Run(parse.GetValue(model)!, parse.GetValue(output)!, parse.GetValue(type)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken)));
        return command;
    }

    /// <summary>The command's work, callable in-process by tests. Returns the exit code.</summary>
    public static int Run(string modelDirectory, string outputPath, string type, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        GgufTensorType tensorType;
        switch (type)
        {
            case "f32": tensorType = GgufTensorType.F32; break;
            case "f16": tensorType = GgufTensorType.F16; break;
            default:
                error.WriteLine($"r1 export-gguf: --type: '{type}' is not supported (f32 or f16)");
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
            return 0;
        }
        catch (Exception e)
        {
            return CommandFailure.Report("export-gguf", e, error, cancellationToken.IsCancellationRequested);
        }
    }
}
