using System.CommandLine;
using R1Sharp.Distributed;

namespace R1Sharp.Cli.Errors;

/// <summary>
/// The one way a command's action ends on an error: every exception goes through <see cref="CommandFailure"/>, so no
/// command prints a stack trace or invents its own exit code. Under mpirun, a failing rank aborts the whole job.
/// </summary>
internal static class GuardedAction
{
    /// <summary>Sets <paramref name="action"/> as the command's action, with errors mapped by <see cref="CommandFailure"/>.</summary>
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(action);
        string name = command.Name;
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                int code = CommandFailure.Report(name, error, parse.InvocationConfiguration.Error, cancellationToken.IsCancellationRequested);
                // A data-parallel rank that fails ends the whole job (MPI_Abort names the rank), so no rank waits forever;
                // an error every rank threw at once (agreed through a collective) lets each rank report it and end on its own.
                if (error is not IEveryRankFailure { ThrownOnEveryRank: true }) CollectiveBackends.AbortJobIfDistributed(code);
                return code;
            }
        });
    }

    /// <summary>Synchronous form of <see cref="SetGuardedAction(Command, Func{ParseResult, CancellationToken, Task{int}})"/>.</summary>
    public static void SetGuardedAction(this Command command, Func<ParseResult, int> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        command.SetGuardedAction((parse, _) => Task.FromResult(action(parse)));
    }
}
