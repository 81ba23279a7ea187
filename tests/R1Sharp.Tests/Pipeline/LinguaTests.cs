using R1Sharp.Pipeline;

namespace R1Sharp.Tests.Pipeline;

/// <summary>The language-consistency measure of r1 pipeline on hand-made chains of thought.</summary>
public sealed class LinguaTests
{
    [Theory]
    [InlineData(" <think> 4*5=20 then 3+20=23 </think> 3+4*5=23 <answer>23</answer>", 1.0)]
    [InlineData(" <think> 4*5=20 tam 3+20=23 </think> 3+4*5=23 <answer>23</answer>", 0.0)]
    // then, wait, check, again (English) and tam, ato (Lingua): 4 of 6 words in English.
    [InlineData(" <think> 4*5=21, wait, check again: 4*5=20 then 3+20=23 tam ato 1 </think> x <answer>23</answer>", 4.0 / 6)]
    // Words after </think> (the summary) are not reasoning: only "then" counts.
    [InlineData(" <think> 1+1=2 then 2+2=4 </think> tam tam <answer>4</answer>", 1.0)]
    public void ConsistencyIsTheShareOfEnglishWordsInTheReasoning(string completion, double expected)
    {
        Assert.Equal(expected, Lingua.Consistency(completion)!.Value, precision: 12);
    }

    [Fact]
    public void AQuestionAskedInLinguaMakesLinguaTheTargetLanguage()
    {
        string prompt = R1Sharp.Text.Templates.R1ZeroTemplate.Format(Lingua.QuestionInLingua("Compute 3+4*5"));
        Assert.True(Lingua.AsksInLingua(prompt));
        Assert.False(Lingua.AsksInLingua(R1Sharp.Text.Templates.R1ZeroTemplate.Format("Compute 3+4*5")));
        // tam, ato (Lingua) and then (English): 2 of 3 words in Lingua.
        const string completion = " <think> 4*5=20 tam 3+20=23, ato, then </think> 23 <answer>23</answer>";
        Assert.Equal(2.0 / 3, Lingua.Consistency(completion, inLingua: true)!.Value, precision: 12);
        Assert.Equal(1.0 / 3, Lingua.Consistency(completion, inLingua: false)!.Value, precision: 12);
        Assert.True(Lingua.IsMixed(completion, inLingua: true));
        Assert.False(Lingua.IsMixed(" <think> 4*5=20 tam 3+20=23 </think> 23 <answer>23</answer>", inLingua: true));
        Assert.True(Lingua.IsMixed(" <think> 4*5=20 tam 3+20=23 </think> 23 <answer>23</answer>", inLingua: false));
    }

    [Fact]
    public void ReasoningWithoutWordsHasNoConsistencyAndIsNotMixed()
    {
        Assert.Null(Lingua.Consistency(" <think> </think> <answer>5</answer>"));
        Assert.Null(Lingua.Consistency(" <think> 4*5=20, x </think> <answer>20</answer>")); // a lone letter is a variable, not a word
        Assert.False(Lingua.IsMixed(" <think> </think> <answer>5</answer>"));
    }

    [Fact]
    public void ACutOffReasoningIsMeasuredToItsEnd()
    {
        Assert.Equal(0.5, Lingua.Consistency(" <think> 1+2=3 then 3+3=6 tam 6+1")!.Value, precision: 12);
        Assert.True(Lingua.IsMixed(" <think> 1+2=3 then 3+3=6 tam 6+1"));
    }

    [Fact]
    public void TranslationMapsEveryKnownWordAndJoinStepsWritesThen()
    {
        Assert.Equal("4*5=20 then 3+20=23 then 23-2=21", Lingua.JoinSteps("4*5=20, 3+20=23, 23-2=21"));
        // A check phrase keeps its commas: only separators between two steps become "then".
        Assert.Equal("4*5=21, wait, check again: 4*5=20 then 3+20=23", Lingua.JoinSteps("4*5=21, wait, check again: 4*5=20, 3+20=23"));
        Assert.Equal("ato, kon ree: 11 es ne 30, pro ree tam", Lingua.ToLingua("wait, check again: 11 is not 30, try again then"));
        Assert.Equal("wait then", Lingua.Translate("wait then", 0.0, new Random(1)));
    }

    [Fact]
    public void AQuestionAskedInLinguaKeepsItsNumbersAndItsWordsAreLingua()
    {
        Assert.Equal("Kalku 3+4*5", Lingua.QuestionInLingua("Compute 3+4*5"));
        Assert.Equal("Usa the numi [3, 4], fa 7. Usi oni numo esa una kun + - * /",
            Lingua.QuestionInLingua("Using the numbers [3, 4], make 7. Use each number exactly once with + - * /"));
        Assert.Equal((0, 1), Lingua.CountWords("Kalku 3+4"));
    }
}
