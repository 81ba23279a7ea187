using System.Text;
using System.Text.RegularExpressions;
using R1Sharp.Rewards;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Tests.Tasks;

public class TaskRewardsTests
{
    // The rule R1Sharp.Tasks used to implement on its own (a second reward named "format"): kept here as the oracle
    // that the configured FormatReward computes the same thing.
    private static readonly Regex PaperRule = new(@"^\s*<think>((?!</?think>|</?answer>).)*</think>\s*<answer>((?!</?think>|</?answer>).)*</answer>\s*$", RegexOptions.Singleline);

    [Fact]
    public async Task The_r1_zero_format_is_the_paper_rule_on_every_arrangement_of_tags()
    {
        string[] pieces = ["<think>", "</think>", "<answer>", "</answer>", " ", "\n", "x", "12", "<think", "answer>"];
        var random = new Random(7);
        var format = TaskRewards.CreateFormat();
        int accepted = 0;
        for (int n = 0; n < 20_000; n++)
        {
            // Half the cases start from a valid layout and perturb it, so both outcomes are well covered.
            var text = new StringBuilder();
            if (n % 2 == 0) text.Append(" <think> a </think> <answer> 1 </answer> ");
            for (int k = random.Next(0, 7); k > 0; k--)
                text.Insert(random.Next(0, text.Length + 1), pieces[random.Next(pieces.Length)]);
            string completion = text.ToString();
            bool expected = PaperRule.IsMatch(completion);
            double? score = await format.ScoreAsync(new RewardInput(R1ZeroTemplate.Format("1+1"), completion, new Dictionary<string, System.Text.Json.JsonElement>()));
            Assert.True((expected ? 1.0 : 0.0) == score, completion);
            Assert.Equal(expected, AnswerExtraction.HasR1ZeroFormat(completion));
            if (expected) accepted++;
        }
        Assert.InRange(accepted, 1_000, 19_000);
    }

    [Fact]
    public void Empty_sections_count_as_in_the_paper_rule()
    {
        Assert.True(AnswerExtraction.HasR1ZeroFormat("<think></think><answer></answer>"));
        Assert.False(AnswerExtraction.HasR1ZeroFormat("<think>a</think><answer>1</answer><answer>2</answer>"));
    }

    [Fact]
    public async Task The_task_composer_weighs_by_reward_weights_and_refuses_unknown_names()
    {
        var suite = TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2);
        await using (var composer = TaskRewards.CreateComposer(suite, new Dictionary<string, double> { ["format"] = 0.1 }))
        {
            Assert.Equal(["accuracy", "format"], composer.Labels);
            Assert.Equal([1.0, 0.1], composer.Rewards.Select(r => r.Weight));
        }
        var error = Assert.Throws<RewardConfigurationException>(() => TaskRewards.CreateComposer(suite, new Dictionary<string, double> { ["accurcy"] = 1 }));
        Assert.Contains("accurcy", error.Message);
    }
}
