using R1Sharp.Models;
using R1Sharp.Rewards;
using R1Sharp.Serving;
using R1Sharp.Serving.Engine;
using R1Sharp.Serving.Http;
using R1Sharp.Tests.Training;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Tests.Serving;

public sealed class RemoteRolloutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-remote-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(ServedModel Served, OpenAiServer Server)> StartServer()
    {
        // The servers start from the same initial weights as the policy (seed 3), as a run that begins from one checkpoint.
        var model = CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3);
        var engine = new ContinuousBatchingEngine(model, maxBatch: 32, maxQueue: 256, contextLength: 64);
        var served = new ServedModel("toy", engine, new ToyGrpo.LetterTokenizer(), null, dir =>
        {
            var reloaded = CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 0);
            new HuggingFacePolicyCheckpoint(reloaded).Load(dir);
            reloaded.eval();
            return reloaded;
        });
        var server = await OpenAiServer.StartAsync(served, new ServeOptions { Port = 0, ModelName = "toy", ContextLength = 64 });
        return (served, server);
    }

    [Fact]
    public async Task GrpoWithTwoLocalServersLearnsAndPushesWeightsToBoth()
    {
        var (servedA, serverA) = await StartServer();
        var (servedB, serverB) = await StartServer();
        try
        {
            var (policy, reference) = ToyGrpo.Models();
            using (policy)
            using (reference)
            {
                double before = ToyGrpo.ExpectedReward(policy);
                var options = new RemoteRolloutOptions
                {
                    Endpoints = [serverA.BaseAddress, serverB.BaseAddress],
                    ModelName = "toy",
                    WeightsDirectory = Path.Combine(_dir, "weights"),
                };
                using var rollouts = new RemoteRolloutEngine(options, new ToyGrpo.LetterTokenizer(), (dir, ct) => new HuggingFacePolicyCheckpoint(policy).SaveAsync(dir, ct));
                var trainer = new GrpoTrainer(policy, reference, new ToyGrpo.LetterTokenizer(), rollouts,
                    new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(),
                    ToyGrpo.Options(6) with { SaveSteps = 0 }, new HuggingFacePolicyCheckpoint(policy), Path.Combine(_dir, "run"));
                await trainer.RunAsync(resume: false);

                double after = ToyGrpo.ExpectedReward(policy);
                Assert.True(after > before + 0.1, $"expected reward {before:0.000} -> {after:0.000}");
                Assert.Equal(6, MetricsLog.ReadJsonl(Path.Combine(_dir, "run", MetricsLog.JsonlFileName)).Count);

                // Both servers now hold the trained policy's weights.
                foreach (var served in new[] { servedA, servedB })
                {
                    var served_params = served.Engine.Model.state_dict();
                    foreach (var (name, value) in policy.state_dict())
                        Assert.True(torch.allclose(value, served_params[name]), $"{name} was not pushed");
                }
            }
        }
        finally
        {
            await serverA.DisposeAsync();
            await serverB.DisposeAsync();
            await servedA.Engine.DisposeAsync();
            await servedB.Engine.DisposeAsync();
        }
    }

    [Fact]
    public void BadEndpointsAreRejectedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => new RemoteRolloutEngine(new RemoteRolloutOptions { Endpoints = [new Uri("ftp://x/")] }, new ToyGrpo.LetterTokenizer(), null));
        Assert.Contains("ftp://x/", error.Message);
        Assert.Throws<ArgumentException>(() => new RemoteRolloutEngine(new RemoteRolloutOptions(), new ToyGrpo.LetterTokenizer(), null));
    }
}
