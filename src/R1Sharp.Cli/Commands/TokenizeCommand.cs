using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text.Json;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 tokenize`: text (stdin) -> JSON array of token ids, or ids -> text with --decode.</summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (tokenizer.json, or vocab.json + merges.txt, with tokenizer_config.json)", Required = true };
        var decode = new Option<bool>("--decode") { Description = "Read a JSON array of ids and print the text" };
        var special = new Option<bool>("--special")
        {
            Description = "Encode: recognise special tokens written in the text and add BOS when the model asks. Decode: keep special tokens (default drops them)",
        };
        var command = new Command("tokenize", "Encode text from stdin to token ids (JSON), or decode ids to text.") { model, decode, special };
        command.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            string input = await Console.In.ReadToEndAsync(cancellationToken);
            return Run(parseResult.GetValue(model)!, parseResult.GetValue(decode), parseResult.GetValue(special), input, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>The command's work, callable in-process by tests. Returns the exit code.</summary>
    public static int Run(string model, bool decode, bool special, string input, TextWriter output, TextWriter error)
    {
        try
        {
            var tokenizer = HuggingFaceTokenizer.Load(model);
            if (!decode)
            {
                var ids = tokenizer.Encode(input, addSpecialTokens: special, parseSpecialTokens: special);
                output.Write(JsonSerializer.Serialize(ids));
                return 0;
            }
            int[] parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<int[]>(input) ?? throw new JsonException("null is not an array of ids");
            }
            catch (JsonException e)
            {
                return TemplateCommand.Fail(error, $"stdin: expected a JSON array of integer token ids: {e.Message}");
            }
            var unknown = parsed.Where(id => tokenizer.TokenText(id) is null).ToList();
            if (unknown.Count > 0)
                return TemplateCommand.Fail(error, $"stdin: token id(s) {string.Join(", ", unknown.Take(5))} are not in the vocabulary (size {tokenizer.VocabSize})");
            output.Write(tokenizer.Decode(parsed, skipSpecialTokens: !special));
            return 0;
        }
        catch (Exception e)
        {
            return CommandFailure.Report("tokenize", e, error);
        }
    }
}
