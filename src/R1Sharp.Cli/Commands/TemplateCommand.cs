using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Templates.Jinja;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 template`: renders a JSON array of messages (stdin) with a model's chat template, printed exactly.</summary>
public static class TemplateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model directory (chat_template.jinja or tokenizer_config.json), or builtin:r1-zero / builtin:plain", Required = true };
        var generationPrompt = new Option<bool>("--add-generation-prompt") { Description = "Append the start of the assistant's turn" };
        var now = new Option<string?>("--now") { Description = "Fix the clock for strftime_now, e.g. 2025-03-14T15:09:26" };
        var set = new Option<string[]>("--set")
        {
            Description = "A template keyword argument as apply_chat_template(**kwargs) takes it, NAME=VALUE (VALUE read as JSON, else as a string), e.g. enable_thinking=false; repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("template", "Render a JSON array of chat messages read from stdin with the model's chat template.")
        {
            model, generationPrompt, now, set,
        };
        command.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            string input = await Console.In.ReadToEndAsync(cancellationToken);
            return Run(parseResult.GetValue(model)!, parseResult.GetValue(generationPrompt), parseResult.GetValue(now), input, Console.Out, Console.Error,
                parseResult.GetValue(set) ?? []);
        });
        return command;
    }

    /// <summary>The command's work, callable in-process by tests. Returns the exit code.</summary>
    /// <param name="model">Model directory or builtin:NAME.</param>
    /// <param name="addGenerationPrompt">add_generation_prompt.</param>
    /// <param name="now">Fixed clock, or null.</param>
    /// <param name="input">The messages as a JSON array.</param>
    /// <param name="output">Where the rendering goes.</param>
    /// <param name="error">Where problems go.</param>
    /// <param name="settings">Further keyword arguments, NAME=VALUE each (VALUE parsed as JSON when it is JSON, else kept as a string).</param>
    public static int Run(string model, bool addGenerationPrompt, string? now, string input, TextWriter output, TextWriter error, IReadOnlyList<string>? settings = null)
    {
        try
        {
            TimeProvider clock = TimeProvider.System;
            if (now is not null)
            {
                if (!DateTime.TryParse(now, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                    return Fail(error, $"--now: '{now}' is not a date/time (expected e.g. 2025-03-14T15:09:26)");
                clock = new FixedClock(new DateTimeOffset(local, TimeSpan.Zero));
            }
            var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (string setting in settings ?? [])
            {
                int eq = setting.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) return Fail(error, $"--set: '{setting}' is not NAME=VALUE (e.g. enable_thinking=false)");
                variables[setting[..eq].Trim()] = SettingValue(setting[(eq + 1)..]);
            }
            var template = model.StartsWith("builtin:", StringComparison.Ordinal)
                ? ChatTemplate.BuiltIn(model["builtin:".Length..])
                : ChatTemplate.Load(model);
            JsonDocument messages;
            try
            {
                messages = JsonDocument.Parse(input);
            }
            catch (JsonException e)
            {
                return Fail(error, $"stdin: not valid JSON (line {(e.LineNumber ?? 0) + 1}): {e.Message}");
            }
            using (messages)
            {
                output.Write(template.Render(messages.RootElement, new ChatTemplateOptions { AddGenerationPrompt = addGenerationPrompt, Clock = clock, Variables = variables }));
            }
            return 0;
        }
        catch (Exception e)
        {
            return CommandFailure.Report("template", e, error);
        }
    }

    // Python-style literals as well as JSON, since users write --set enable_thinking=False after the Python call.
    private static object? SettingValue(string text)
    {
        switch (text)
        {
            case "True": return true;
            case "False": return false;
            case "None": return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return text;
        }
    }

    internal static int Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return ExitCodes.Usage;
    }
}
