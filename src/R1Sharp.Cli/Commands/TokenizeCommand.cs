using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text.Json;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 tokenize`: text (stdin) -> JSON array of token ids, as Hugging Face's <c>tokenizer(text)["input_ids"]</c>
/// gives them (special tokens written in the text recognised, BOS when the model's config asks); or ids -> text
/// with --decode.
/// </summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (tokenizer.json, or vocab.json + merges.txt, with tokenizer_config.json)", Required = true };
        var decode = new Option<bool>("--decode") { Description = "Read a JSON array of ids and print the text" };
        var split = new Option<bool>("--split-special-tokens")
        {
            Description = "Encode: tokenize special-token text such as <|im_start|> as plain text (transformers' split_special_tokens=True; safe for untrusted text). Default: recognised, as tokenizer(text) does",
        };
        var addSpecial = new Option<bool>("--add-special-tokens")
        {
            Description = "Encode: add BOS when the model's tokenizer_config.json (add_bos_token) or tokenizer.json post-processor asks (transformers' add_special_tokens). Default true; --add-special-tokens false to leave it out",
            DefaultValueFactory = _ => true,
        };
        var special = new Option<bool>("--special") { Description = "Decode: keep special tokens in the text (default drops them, skip_special_tokens=True)" };
        var command = new Command("tokenize", "Encode text from stdin to token ids (JSON) as Hugging Face's tokenizer(text) does, or decode ids to text.")
        {
            model, decode, split, addSpecial, special,
        };
        command.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            string input = await Console.In.ReadToEndAsync(cancellationToken);
            var settings = new TokenizeSettings
            {
                Decode = parseResult.GetValue(decode),
                SplitSpecialTokens = parseResult.GetValue(split),
                AddSpecialTokens = parseResult.GetValue(addSpecial),
                KeepSpecialTokensOnDecode = parseResult.GetValue(special),
            };
            return Run(parseResult.GetValue(model)!, settings, input, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>The command's work, callable in-process by tests. Returns the exit code.</summary>
    public static int Run(string model, TokenizeSettings settings, string input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            var tokenizer = HuggingFaceTokenizer.Load(model);
            if (!settings.Decode)
            {
                var ids = tokenizer.Encode(input, settings.AddSpecialTokens, parseSpecialTokens: !settings.SplitSpecialTokens);
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
            output.Write(tokenizer.Decode(parsed, skipSpecialTokens: !settings.KeepSpecialTokensOnDecode));
            return 0;
        }
        catch (Exception e)
        {
            return CommandFailure.Report("tokenize", e, error);
        }
    }
}
