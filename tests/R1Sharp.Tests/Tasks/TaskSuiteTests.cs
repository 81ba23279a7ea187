using R1Sharp.Rewards;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Distillation.BuiltIn;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Tasks;

public class TaskSuiteTests
{
    [Fact]
    public void TrainingStreamNeverYieldsHeldOutProblemsAndIsReproducible()
    {
        var suite = TaskSuite.CreateDefault(seed: 42, heldOutPerFamily: 100);
        var heldOut = suite.HeldOut.Select(p => p.Key).ToHashSet();
        Assert.Equal(200, heldOut.Count);
        for (int i = 0; i < 3000; i++) Assert.DoesNotContain(suite.TrainingProblem(i, 1).Key, heldOut);
        var again = TaskSuite.CreateDefault(seed: 42, heldOutPerFamily: 100);
        Assert.Equal(suite.TrainingProblem(77, 1).Key, again.TrainingProblem(77, 1).Key);
        Assert.NotEqual(suite.TrainingProblem(77, 1).Question, suite.TrainingProblem(79, 1).Question);
    }

    /// <summary>The default r1 zero seed and two others (1 and 2, the seeds the defaults were tuned on).</summary>
    public static TheoryData<int> SplitSeeds => [new ZeroOptions().Seed, 1, 2];

    [Theory]
    [MemberData(nameof(SplitSeeds))]
    public void NoHeldOutProblemOccursInAnyTrainingStreamOfADefaultRunUnderAnotherOrder(int seed)
    {
        // Every problem a default run trains on: each pre-training document (stream 0), each RL prompt (stream 1, with
        // every refill dynamic sampling could draw) and each of r1 distill-zero's teacher prompts (stream 2). Keys
        // compare problems, not strings: the same numbers in another order are the same problem.
        var options = new ZeroOptions { Seed = seed };
        var suite = options.CreateSuite();
        // The identity is spelled out here rather than taken from ReasoningProblem.Key, so the test checks the key too.
        static string Identity(ReasoningProblem p) =>
            p.Family == "countdown" ? $"countdown {string.Join(",", p.Numbers.Order())} -> {p.Target}" : $"{p.Family} {p.Expression}";
        var heldOut = suite.HeldOut.Select(Identity).ToHashSet();
        Assert.Equal(2 * options.HeldOutPerFamily, heldOut.Count);
        var streams = new (int Stream, long Count)[]
        {
            (0, (long)options.Pretrain.Steps * options.Pretrain.BatchSize),
            (1, (long)options.Grpo.MaxSteps * options.Grpo.PromptsPerStep * (1 + options.Grpo.MaxRefills)),
            (ZeroDistillPipeline.TeacherStream, new ZeroDistillOptions { TeacherDirectory = "unused" }.TeacherPrompts),
        };
        foreach (var (stream, count) in streams)
        {
            int found = 0;
            for (long i = 0; i < count; i++)
                if (heldOut.Contains(Identity(suite.TrainingProblem(i, stream)))) found++;
            Assert.True(found == 0, $"stream {stream}: {found} of {count} training problems are held-out problems");
        }
        // The corpus states the problem of its stream-0 index, so the documents are covered by stream 0.
        var (prompt, _) = SyntheticCorpus.Document(suite, 5, options.Noise);
        Assert.Contains(suite.TrainingProblem(5, 0).Question, prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHeldOutSplitHoldsEachProblemOnce()
    {
        var suite = new ZeroOptions().CreateSuite();
        Assert.Equal(suite.HeldOut.Count, suite.HeldOut.Select(p => p.Key).Distinct().Count());
    }

    [Fact]
    public void ACountdownProblemIsTheSameProblemInAnyOrder()
    {
        var a = new ReasoningProblem("countdown", "Using the numbers 5, 3, 7, make 22.", "5*3+7", [5, 3, 7], 22, "5*3+7");
        var b = new ReasoningProblem("countdown", "Using the numbers 3, 7, 5, make 22.", "3*5+7", [3, 7, 5], 22, "3*5+7");
        var c = new ReasoningProblem("countdown", "Using the numbers 3, 7, 5, make 23.", "3*5+7+1", [3, 7, 5], 23, "x");
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, c.Key);
        var sum = new ReasoningProblem("arithmetic", "Compute 2+3*4", "14", [2, 3, 4], 14, "2+3*4");
        var other = new ReasoningProblem("arithmetic", "Compute 3+2*4", "11", [3, 2, 4], 11, "3+2*4");
        Assert.NotEqual(sum.Key, other.Key);
    }

    [Fact]
    public void FamilyWeightsSetTheTrainingMixtureButNotTheHeldOutSplit()
    {
        var suite = new TaskSuite([new CountdownTask(), new ArithmeticTask()], seed: 3, heldOutPerFamily: 10, weights: [2, 1]);
        Assert.Equal(10, suite.HeldOut.Count(p => p.Family == "countdown"));
        Assert.Equal(10, suite.HeldOut.Count(p => p.Family == "arithmetic"));
        var families = Enumerable.Range(0, 300).Select(i => suite.TrainingProblem(i, 0).Family).ToList();
        Assert.Equal(200, families.Count(f => f == "countdown"));
        Assert.Equal(["countdown", "countdown", "arithmetic"], families.Take(3));
        var error = Assert.Throws<ArgumentException>(() => new TaskSuite([new CountdownTask()], 1, 1, [1, 1]));
        Assert.Contains("weights", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorpusTeachesWorkedExamplesOutsideTheTemplateAndMostlyGuessesUnderIt()
    {
        var suite = TaskSuite.CreateDefault(seed: 5, heldOutPerFamily: 10);
        var noise = new CorpusNoise();
        int textbook = 0, templateGuesses = 0, template = 0;
        const int n = 2000;
        for (int i = 0; i < n; i++)
        {
            var (prompt, completion) = SyntheticCorpus.Document(suite, i, noise);
            bool guess = completion.StartsWith(" <think> </think>", StringComparison.Ordinal);
            if (prompt.StartsWith(R1ZeroTemplate.Preamble, StringComparison.Ordinal))
            {
                template++;
                if (guess) templateGuesses++;
            }
            else
            {
                textbook++;
                Assert.False(guess, $"document {i}: a worked example must reason");
                Assert.Equal(SyntheticCorpus.TextbookPrompt(suite.TrainingProblem(i, 0).Question), prompt);
            }
        }
        Assert.InRange(textbook, n * noise.TextbookRate * 0.9, n * noise.TextbookRate * 1.1);
        Assert.InRange(templateGuesses, template * noise.GuessRate * 0.9, template * noise.GuessRate * 1.1);
    }

    [Fact]
    public async Task RewardsScoreFormatAndAccuracyFromTheRow()
    {
        var suite = TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2);
        var problem = suite.HeldOut[0];
        var accuracy = new TaskAccuracyReward(suite.Tasks);
        var format = TaskRewards.CreateFormat();
        string good = $" <think> ok </think> <answer>{problem.Answer}</answer>";
        Assert.Equal(1.0, await accuracy.ScoreAsync(new RewardInput("p", good, problem.ToRow())));
        Assert.Equal(1.0, await format.ScoreAsync(new RewardInput("p", good, problem.ToRow())));
        string unformatted = $"{problem.Answer}";
        Assert.Equal(0.0, await accuracy.ScoreAsync(new RewardInput("p", unformatted, problem.ToRow())));
        Assert.Equal(0.0, await format.ScoreAsync(new RewardInput("p", unformatted, problem.ToRow())));
        Assert.Equal(0.0, await format.ScoreAsync(new RewardInput("p", good + " <answer>1</answer>", problem.ToRow())));
    }
}
