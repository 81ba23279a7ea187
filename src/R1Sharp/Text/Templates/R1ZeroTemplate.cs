namespace R1Sharp.Text.Templates;

/// <summary>The R1-Zero prompt template of the DeepSeek-R1 paper (RECIPE §4), verbatim: it asks only for the structure, never for a strategy.</summary>
public static class R1ZeroTemplate
{
    /// <summary>The template text before the question.</summary>
    public const string Preamble =
        "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. " +
        "The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. " +
        "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, " +
        "i.e., <think> reasoning process here </think> <answer> answer here </answer>. User: ";

    /// <summary>The text after the question; the model continues from here.</summary>
    public const string Suffix = ". Assistant:";

    /// <summary>Fills the template with a question.</summary>
    public static string Format(string question) => Preamble + question + Suffix;
}
