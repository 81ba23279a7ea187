using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Tests.Format;

public class TagCountRewardTests
{
    private static double? Count(string completion, string prompt = Inputs.ZeroPrompt, bool ownLine = false) =>
        new TagCountReward(new TagCountRewardOptions { RequireOwnLine = ownLine }).Score(Inputs.Of(completion, prompt));

    [Theory]
    [InlineData("<think>r</think><answer>2</answer>", 1.0)]
    [InlineData("<think>r</think>2", 0.5)]
    [InlineData("<think>r", 0.25)]
    [InlineData("", 0.0)]
    [InlineData("plain text", 0.0)]
    [InlineData("<think>a</think><think>b</think><answer>2</answer>", 0.5)]   // repeated think tags earn nothing
    [InlineData("<answer>2</answer><think>r</think>", 0.0)]                   // the answer block precedes the reasoning: every tag is out of order
    public void Each_well_placed_tag_earns_a_quarter(string completion, double expected) =>
        Assert.Equal(expected, Count(completion));

    [Fact]
    public void A_tag_out_of_order_earns_nothing()
    {
        // </think> before <think>: both are out of order with each other; the answer pair is fine.
        Assert.Equal(0.5, Count("</think>r<think><answer>2</answer>"));
        // <answer> written before </think>: <answer> and </think> are out of order.
        Assert.Equal(0.5, Count("<think>r<answer></think>2</answer>"));
    }

    [Fact]
    public void Prefilled_think_earns_its_quarter_by_not_being_repeated()
    {
        Assert.Equal(1.0, Count("r\n</think>\n<answer>2</answer>", Inputs.DistillPrompt));
        Assert.Equal(0.75, Count("<think>r\n</think>\n<answer>2</answer>", Inputs.DistillPrompt));
    }

    [Fact]
    public void Own_line_placement_is_required_when_asked()
    {
        const string spaced = "<think>\nr\n</think>\n<answer>\n2\n</answer>";
        const string inline = "<think>r</think><answer>2</answer>";
        Assert.Equal(1.0, Count(spaced, ownLine: true));
        Assert.Equal(0.0, Count(inline, ownLine: true));
        Assert.Equal(0.5, Count("<think>\nr\n</think>\n<answer>2</answer>", ownLine: true));
        Assert.Equal(1.0, Count(inline, ownLine: false));
    }

    [Fact]
    public void Score_is_always_a_multiple_of_a_quarter_between_0_and_1()
    {
        var random = new Random(5);
        string[] pieces = ["<think>", "</think>", "<answer>", "</answer>", "x", "\n", " ", "思"];
        var reward = new TagCountReward();
        for (int i = 0; i < 500; i++)
        {
            string text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            double score = reward.Score(Inputs.Of(text))!.Value;
            Assert.InRange(score, 0.0, 1.0);
            Assert.Equal(0.0, score * 4 % 1.0);
        }
    }
}
