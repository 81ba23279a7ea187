using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Checkpoints;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 merge-lora`: base checkpoint + PEFT LoRA adapter -> a plain Hugging Face checkpoint (docs/lora.md).</summary>
internal static class MergeLoraCommand
{
    public static Command Create()
    {
        var baseModel = new Option<string>("--base") { Description = "The base Hugging Face checkpoint the adapter was trained on.", Required = true };
        var adapter = new Option<string>("--adapter") { Description = "PEFT adapter folder (adapter_config.json, adapter_model.safetensors): a checkpoint or final/ of r1 sft/grpo with LoRA, or one PEFT wrote.", Required = true };
        var output = new Option<string>("--output", "--out") { Description = "Directory for the merged checkpoint (replaced as a whole).", Required = true };
        var command = new Command("merge-lora", "Merge a LoRA adapter (PEFT format) into its base model and write a plain Hugging Face checkpoint.") { baseModel, adapter, output };
        command.SetGuardedAction((parse, cancellationToken) =>
        {
            string target = parse.GetValue(output)!;
            var (adapted, config) = LoraMerge.Run(parse.GetValue(baseModel)!, parse.GetValue(adapter)!, target, cancellationToken);
            parse.InvocationConfiguration.Output.WriteLine($"merged the adapter into {adapted.Count} layers of a {config.NumHiddenLayers}-layer {config.ModelType}; wrote {target}");
            return Task.FromResult(0);
        });
        return command;
    }
}
