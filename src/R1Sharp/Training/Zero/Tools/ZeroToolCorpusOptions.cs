namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// How the pre-training corpus of <c>r1 zero --tools</c> uses the tool, mirroring <see cref="R1Sharp.Tasks.CorpusNoise"/>:
/// the skill is common outside the R1-Zero template and rare inside it, so the base model <i>can</i> call the tool but
/// under the template usually guesses, and RL has to find out that calling pays.
/// </summary>
/// <param name="TextbookRate">Share of documents asked without the R1-Zero instruction ("User: question. Assistant:"), each solved with a tool call. Default 0.5.</param>
/// <param name="ToolCallRate">Share of the documents under the R1-Zero template solved with a tool call; the rest are bare guesses. Default 0.2.</param>
public sealed record ZeroToolCorpusOptions(double TextbookRate = 0.5, double ToolCallRate = 0.2);
