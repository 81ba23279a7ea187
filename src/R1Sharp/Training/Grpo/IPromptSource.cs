namespace R1Sharp.Training.Grpo;

/// <summary>
/// An endless, position-addressed stream of prompts: position k always gives the same prompt for a given seed,
/// so a resumed run only needs the position to continue the data order exactly.
/// </summary>
public interface IPromptSource
{
    /// <summary>The prompt at <paramref name="position"/> (0-based, unbounded: sources cycle through epochs).</summary>
    PromptRow Get(long position);
}
