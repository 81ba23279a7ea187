using System.Text.Json;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Tests.Evaluation;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 r1 distill` against `-np 1` (issue 17): rank 0 alone samples the teacher (a scripted chat-completions
/// server), filters and evaluates, the other rank waits, and the student's SFT runs data-parallel; both runs end with the
/// same student to 1e-5 of its largest weight, and the teacher saw the same requests.
/// </summary>
public sealed class DataParallelDistillTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TwoRanksSampleTheTeacherOnceAndTrainTheStudentOneRankTrains()
    {
        string student = DataParallelFixtures.TinyQwen(_dir.Combine("student"));
        string prompts = _dir.Combine("prompts.jsonl"), evalPrompts = _dir.Combine("eval.jsonl");
        // Every answer is 2, so the teacher's boxed 2 is correct everywhere; its n responses differ in their reasoning.
        File.WriteAllLines(prompts, new[] { "What is 1+1?", "What is 4-2?", "What is 6/3?", "What is 2*1?" }.Select(q => $"{{\"problem\": \"{q}\", \"answer\": \"2\"}}"));
        File.WriteAllLines(evalPrompts, new[] { "What is 8/4?", "What is 5-3?" }.Select(q => $"{{\"problem\": \"{q}\", \"answer\": \"2\"}}"));
        await using var teacher = new FakeChatCompletionsServer((body, _) => new(200, FakeChatCompletionsServer.Choices(20, 20,
            [.. Enumerable.Range(0, body.GetProperty("n").GetInt32()).Select(i => (object)new
            {
                index = i,
                message = new { role = "assistant", content = $"<think>Step {i + 1}: work it out.</think> The answer is \\boxed{{2}}." },
                finish_reason = "stop",
            })])));

        string one = Config("one", teacher.BaseUri, prompts, evalPrompts, student);
        using (var job = MpiJob.Start(1, "distill", "--config", one))
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        int requestsOfOneRank = teacher.Seen.Count;
        string two = Config("two", teacher.BaseUri, prompts, evalPrompts, student);
        using (var job = MpiJob.Start(2, "distill", "--config", two))
        {
            Assert.True(await job.WaitForExitAsync() == 0, job.Output);
            Assert.Single(job.Output.Split('\n'), l => l.StartsWith("pass@1:", StringComparison.Ordinal)); // one report, from rank 0
        }

        // 4 training prompts and 2 evaluation prompts, one request each (n samples per request), from rank 0 only.
        Assert.Equal(6, requestsOfOneRank);
        Assert.Equal(2 * requestsOfOneRank, teacher.Seen.Count);
        Assert.Equal(File.ReadAllText(_dir.Combine("one", "sft.jsonl")), File.ReadAllText(_dir.Combine("two", "sft.jsonl")));
        var single = SafetensorsWeights.Read(Path.Combine(StudentModel(_dir.Combine("one")), "model.safetensors"));
        var pair = SafetensorsWeights.Read(Path.Combine(StudentModel(_dir.Combine("two")), "model.safetensors"));
        double change = SafetensorsWeights.MaxAbsoluteDifference(single, SafetensorsWeights.Read(Path.Combine(student, "model.safetensors")));
        Assert.True(change > 1e-4, $"the student did not learn (largest weight change {change}): the comparison would prove nothing");
        double difference = SafetensorsWeights.RelativeDifference(single, pair);
        Assert.True(difference <= 1e-5, $"two ranks ended {difference} (relative) away from one rank");
    }

    private static string StudentModel(string output)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        return summary.RootElement.GetProperty("student_model").GetString()!;
    }

    // Eight kept responses (two per prompt), four rows per step over two steps; a short evaluation of teacher and student.
    // One request at a time, so samples.jsonl (and with it the SFT data's order) is the same in both runs.
    private string Config(string name, Uri teacher, string prompts, string evalPrompts, string student)
    {
        string path = _dir.Combine(name + ".yaml");
        File.WriteAllText(path, $"""
            prompts: {prompts}
            eval_prompts: {evalPrompts}
            output: {_dir.Combine(name)}
            teacher:
              endpoint: {teacher}
              model: teacher
            sampling:
              samples_per_prompt: 2
              concurrency: 1
              max_tokens: 64
              seed: 1
            evaluation:
              samples: 1
              max_tokens: 4
            student:
              model_dir: {student}
              sft:
                max_steps: 2
                batch_size: 2
                gradient_accumulation: 2
                max_length: 64
                learning_rate: 0.001
                lr_schedule: constant
                warmup_ratio: 0
                validation_fraction: 0
                layout: bucketed
            """);
        return path;
    }
}
