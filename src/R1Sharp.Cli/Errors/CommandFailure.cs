using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.Distributed;
using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Sandbox;
using R1Sharp.Text.Templates.Jinja;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Cli.Errors;

/// <summary>
/// Maps an exception that ends a command to one line on standard error and an exit code (<see cref="ExitCodes"/>).
/// The library reports what a user can fix with its own exception types, each message naming the file, line, field
/// or flag; everything else is a defect and says so. Set <c>R1_STACKTRACE=1</c> to get the full trace as well.
/// </summary>
internal static class CommandFailure
{
    /// <summary>Writes the message for <paramref name="error"/> as `r1 &lt;command&gt;: ...` and returns the exit code.</summary>
    /// <param name="command">The subcommand's name, for the message prefix.</param>
    /// <param name="error">What ended the command.</param>
    /// <param name="stderr">Where the line goes.</param>
    /// <param name="cancelled">Whether the user cancelled the run (an OperationCanceledException is then not a timeout).</param>
    public static int Report(string command, Exception error, TextWriter stderr, bool cancelled = false)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(stderr);
        int code = cancelled && error is OperationCanceledException ? ExitCodes.Cancelled : ExitCodeOf(error);
        string message = code switch
        {
            ExitCodes.Cancelled => "cancelled; checkpoints written so far are intact.",
            ExitCodes.Usage => OneLine(error.Message),
            _ => $"internal error ({error.GetType().Name}): {OneLine(error.Message)}. Set R1_STACKTRACE=1 for the stack trace.",
        };
        stderr.WriteLine($"r1 {command}: {message}");
        if (Environment.GetEnvironmentVariable("R1_STACKTRACE") is "1" or "true") stderr.WriteLine(error);
        return code;
    }

    /// <summary>The exit code for an exception: <see cref="ExitCodes.Usage"/> for everything a user can fix.</summary>
    public static int ExitCodeOf(Exception error) => error switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => ExitCodeOf(aggregate.InnerExceptions[0]),
        UsageException or ConfigurationException or DatasetFormatException or RewardEvaluationException or InvalidDataException or RewardConfigurationException
            or TokenizerFormatException or TemplateException or JsonException or FormatException
            or SandboxUnavailableException or NotSupportedException or ArgumentException
            or UnauthorizedAccessException or IOException or DistributedException => ExitCodes.Usage,
        _ => ExitCodes.Failure,
    };

    // Exceptions from parsers and validators sometimes carry line breaks (a snippet of the input, one problem per
    // line); a one-line contract keeps logs greppable, so the lines are joined with "; " (a heading's colon stays).
    private static string OneLine(string message)
    {
        var parts = message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (line.Length > 0) line.Append(line[^1] == ':' ? " " : "; ");
            line.Append(part);
        }
        return line.ToString();
    }
}
