namespace R1Sharp.RewardModels;

/// <summary>
/// The judge's prompt, with placeholders <c>{question}</c>, <c>{reference}</c> and <c>{response}</c>.
/// <c>{reference_block}</c> stands for "Reference answer: …" when the row has one and for nothing otherwise, so one
/// template serves verifiable and open-ended rows. The built-in templates follow DeepSeek-R1's generative reward
/// model: the ground truth and the prediction are given to the judge, which says whether the prediction is right.
/// </summary>
/// <param name="Text">The template text.</param>
public sealed record JudgePromptTemplate(string Text)
{
    /// <summary>Built-in template of <see cref="JudgeMode.Verdict"/>.</summary>
    public static JudgePromptTemplate Verdict { get; } = new(
        "You are grading a response to a question.\n\nQuestion:\n{question}\n\n{reference_block}Response:\n{response}\n\n" +
        "Decide whether the response answers the question correctly" +
        " (when a reference answer is given, whether its final answer is equivalent to the reference)." +
        " Reply with one line: VERDICT: CORRECT or VERDICT: INCORRECT.");

    /// <summary>Built-in template of <see cref="JudgeMode.Score"/>.</summary>
    public static JudgePromptTemplate Score { get; } = new(
        "You are rating a response to a request.\n\nRequest:\n{question}\n\n{reference_block}Response:\n{response}\n\n" +
        "Rate how helpful, correct and harmless the response is, from 0 (worst) to 10 (best)." +
        " Reply with one line: SCORE: <number from 0 to 10>.");

    /// <summary>The built-in template of a mode.</summary>
    public static JudgePromptTemplate For(JudgeMode mode) => mode == JudgeMode.Verdict ? Verdict : Score;

    /// <summary>Reads a template file; it must hold <c>{response}</c>.</summary>
    /// <exception cref="ArgumentException">The file lacks <c>{response}</c>.</exception>
    public static JudgePromptTemplate Load(string path)
    {
        string text = File.ReadAllText(path);
        if (!text.Contains("{response}", StringComparison.Ordinal))
            throw new ArgumentException($"{path}: a judge template must contain {{response}}");
        return new JudgePromptTemplate(text);
    }

    /// <summary>The prompt for one response.</summary>
    public string Render(string question, string? reference, string response) =>
        Text.Replace("{reference_block}", string.IsNullOrWhiteSpace(reference) ? "" : $"Reference answer:\n{reference}\n\n", StringComparison.Ordinal)
            .Replace("{question}", question, StringComparison.Ordinal)
            .Replace("{reference}", reference ?? "", StringComparison.Ordinal)
            .Replace("{response}", response, StringComparison.Ordinal);
}
