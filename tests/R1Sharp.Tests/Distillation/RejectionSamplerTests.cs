using R1Sharp.Distillation;

namespace R1Sharp.Tests.Distillation;

public class RejectionSamplerTests
{
    [Fact]
    public void ExactAndNearDuplicatesAreFoundAfterNormalisation()
    {
        // A realistic chain of thought is long: one changed word out of 60 leaves the 3-gram sets over 90% alike.
        string steps = string.Join(" ", Enumerable.Range(0, 60).Select(i => $"step{i}"));
        string long1 = $"<think>{steps} carefully.</think>\\boxed{{4}}";
        string nearCopy = long1.Replace("carefully", "carefully again", StringComparison.Ordinal);
        var responses = new[]
        {
            Responses.Make(long1, index: 0),
            Responses.Make(long1.ToUpperInvariant().Replace(" ", "   ", StringComparison.Ordinal), index: 1),
            Responses.Make(nearCopy, index: 2),
            Responses.Make("<think>Four is two doubled.</think>\\boxed{4}", index: 3),
        };
        var verdicts = new ResponseDeduplicator().Judge(responses);
        Assert.Equal(new string?[] { null, ResponseDeduplicator.ExactReason, ResponseDeduplicator.NearReason, null }.AsEnumerable(), verdicts);
        Assert.Equal(new string?[] { null, ResponseDeduplicator.ExactReason, null, null }.AsEnumerable(), new ResponseDeduplicator(2).Judge(responses));
    }

    [Fact]
    public void PipelineKeepsAtMostMPerPromptAndCountsEveryDropOnce()
    {
        var responses = new List<SampledResponse>();
        for (int i = 0; i < 6; i++)
            responses.Add(Responses.Make($"<think>Way number {i}: {string.Join(' ', Enumerable.Repeat($"w{i}", 5))}</think>\\boxed{{4}}", promptId: "a", index: i));
        responses.Add(Responses.Make("<think>wrong</think>\\boxed{5}", accuracy: 0, promptId: "a", index: 6));
        responses.Add(Responses.Make("<think>cut", promptId: "b", index: 0, finish: "length"));
        responses.Add(Responses.Make("<think>Clean reasoning.</think>\\boxed{4}", promptId: "b", index: 1));
        responses.Add(Responses.Make("<think>Clean reasoning.</think>\\boxed{4}", promptId: "b", index: 2));
        responses.Add(Responses.Make("<think>```\ncode\n```</think>4", promptId: "c", index: 0));

        var result = new RejectionSampler(new RejectionSamplingOptions { MaxPerPrompt = 4 }).Filter(responses);
        var stats = result.Statistics;

        Assert.Equal(11, stats.Responses);
        Assert.Equal(3, stats.Prompts);
        Assert.Equal(5, stats.Kept);
        Assert.Equal(2, stats.PromptsKept);
        Assert.Equal(1, stats.Dropped["incorrect"]);
        Assert.Equal(1, stats.Dropped["truncated"]);
        Assert.Equal(1, stats.Dropped["code_in_reasoning"]);
        Assert.Equal(1, stats.Dropped[ResponseDeduplicator.ExactReason]);
        Assert.Equal(2, stats.Dropped[RejectionSampler.OverCapReason]);
        Assert.Equal(stats.Responses - stats.Kept, stats.Dropped.Values.Sum());
        Assert.Equal([0, 1, 2, 3], result.Kept.Where(r => r.PromptId == "a").Select(r => r.SampleIndex));
    }

    [Fact]
    public async Task KeptResponsesBecomeSftConversationsThatTheSftReaderAccepts()
    {
        string directory = R1Sharp.Tests.Sft.SftTestData.TempDirectory();
        string samples = Path.Combine(directory, "samples.jsonl");
        var written = new[] { Responses.Make("<think>2+2=4</think>\\boxed{4}"), Responses.Make("<think>no</think>5", accuracy: 0, index: 1) };
        await File.WriteAllLinesAsync(samples, written.Select(SampledResponseFile.ToLine));

        var read = await SampledResponseFile.ReadAsync(samples);
        Assert.Equal(written[0].Rewards, read[0].Rewards);
        Assert.Equal(written[0].Prompt, read[0].Prompt);
        var kept = new RejectionSampler(new RejectionSamplingOptions()).Filter(read).Kept;
        string sft = Path.Combine(directory, "sft.jsonl");
        await SampledResponseFile.WriteConversationsAsync(sft, kept);

        var conversations = await new R1Sharp.Training.Sft.ConversationReader().ReadFileAsync(sft);
        var only = Assert.Single(conversations);
        Assert.Equal("user", only.Turns[0].Role);
        Assert.Equal("<think>2+2=4</think>\\boxed{4}", only.Turns[1].Content);
    }

    [Fact]
    public async Task MalformedSampleLinesNameTheLine()
    {
        string path = Path.Combine(R1Sharp.Tests.Sft.SftTestData.TempDirectory(), "samples.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            SampledResponseFile.ToLine(Responses.Make("ok")),
            """{"prompt_id":"x","prompt":"q","response":"r","rewards":{"accuracy":"yes"}}""",
        ]);
        var error = await Assert.ThrowsAsync<R1Sharp.Data.DatasetFormatException>(() => SampledResponseFile.ReadAsync(path));
        Assert.Equal(2, error.Line);
        Assert.Contains("rewards.accuracy", error.Message);
    }
}
