namespace R1Sharp.Tasks;

/// <summary>A built-in task family with verifiable answers: it generates problems, checks answers, and writes (noisy) worked solutions for pre-training.</summary>
public interface IReasoningTask
{
    /// <summary>Family name used in metrics and summary.json (<c>tasks/&lt;family&gt;</c>).</summary>
    string Family { get; }

    /// <summary>Draws one problem.</summary>
    ReasoningProblem Generate(Random random);

    /// <summary>True when <paramref name="answer"/> (the text inside <c>&lt;answer&gt;</c>) solves <paramref name="problem"/>.</summary>
    bool IsCorrect(ReasoningProblem problem, string answer);

    /// <summary>A completion in the R1-Zero format (<c>&lt;think&gt;…&lt;/think&gt; &lt;answer&gt;…&lt;/answer&gt;</c>) with the corpus' deliberate imperfections.</summary>
    string WriteSolution(ReasoningProblem problem, Random random, CorpusNoise noise);
}
