using R1Sharp.Training.Configuration;
using R1Sharp.Tasks;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

public sealed class ZeroOptionsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-zero-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SettingsRoundTripSoLaterStagesRebuildTheSameCorpusAndSplit()
    {
        var options = new ZeroOptions
        {
            OutputDirectory = _dir,
            Seed = 13,
            Noise = new CorpusNoise(GuessRate: 0.5, CountdownMaxAttempts: 3),
            Countdown = new CountdownTask(MaxTarget: 50),
            FamilyWeights = [1, 3],
            Pretrain = new PretrainOptions(Steps: 123),
        };
        await ZeroOptionsFile.SaveAsync(options, _dir, CancellationToken.None);
        var loaded = await ZeroOptionsFile.LoadAsync(_dir, CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(options.Noise, loaded.Noise);
        Assert.Equal(options.Countdown, loaded.Countdown);
        Assert.Equal(options.Arithmetic, loaded.Arithmetic);
        Assert.Equal(options.Pretrain, loaded.Pretrain);
        Assert.Equal(options.FamilyWeights, loaded.FamilyWeights);
        Assert.Equal(options.Grpo.LearningRate, loaded.Grpo.LearningRate);
        Assert.Equal(options.CreateSuite().HeldOut.Select(p => p.Key), loaded.CreateSuite().HeldOut.Select(p => p.Key));
        Assert.Equal(options.CreateSuite().TrainingProblem(5).Key, loaded.CreateSuite().TrainingProblem(5).Key);
    }

    [Fact]
    public async Task AMissingFileIsNullAndABrokenOneIsNamed()
    {
        Assert.Null(await ZeroOptionsFile.LoadAsync(_dir, CancellationToken.None));
        await File.WriteAllTextAsync(Path.Combine(_dir, ZeroOptionsFile.FileName), "{\"seed\": \"x\"}");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ZeroOptionsFile.LoadAsync(_dir, CancellationToken.None));
        Assert.Contains(ZeroOptionsFile.FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartialSettingsFileMergesOverTheDefaultsAndTyposAreNamed()
    {
        string path = Path.Combine(_dir, "zero.json");
        await File.WriteAllTextAsync(path, """{"noise": {"guess_rate": 0.5}, "grpo": {"max_steps": 7}, "family_weights": [1, 1]}""");
        var options = await ZeroOptionsFile.LoadFileAsync(path, CancellationToken.None);
        var defaults = new ZeroOptions();
        Assert.Equal(defaults.Noise with { GuessRate = 0.5 }, options.Noise);
        // grpo keys start from r1 zero's GRPO defaults, not GrpoOptions' own.
        Assert.Equal(defaults.Grpo with { MaxSteps = 7 }, options.Grpo with { RewardWeights = defaults.Grpo.RewardWeights });
        Assert.Equal(defaults.Grpo.RewardWeights, options.Grpo.RewardWeights);
        Assert.Equal([1, 1], options.FamilyWeights);

        await File.WriteAllTextAsync(path, """{"noise": {"guess_rat": 0.5}}""");
        var typo = await Assert.ThrowsAsync<InvalidDataException>(() => ZeroOptionsFile.LoadFileAsync(path, CancellationToken.None));
        Assert.Contains("zero.json", typo.Message, StringComparison.Ordinal);
        Assert.Contains("guess_rat", typo.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(path, """{"grpo": {"learning_rate": -1}}""");
        var bad = await Assert.ThrowsAsync<ConfigurationException>(() => ZeroOptionsFile.LoadFileAsync(path, CancellationToken.None));
        Assert.Contains("learning_rate", bad.Message, StringComparison.Ordinal);

        // The grpo block speaks TRL's names, aliases included, exactly as `r1 grpo --config` does.
        await File.WriteAllTextAsync(path, """{"grpo": {"epsilon": 0.3}}""");
        Assert.Equal(0.3, (await ZeroOptionsFile.LoadFileAsync(path, CancellationToken.None)).Grpo.EpsilonLow);
        await File.WriteAllTextAsync(path, """{"grpo": {"epsilom": 0.3}}""");
        var unknown = await Assert.ThrowsAsync<ConfigurationException>(() => ZeroOptionsFile.LoadFileAsync(path, CancellationToken.None));
        Assert.Contains("unknown option 'epsilom'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreadCountsMayChangeOnResumeButNothingThatDecidesTheOutcome()
    {
        // issue 14/18: pre-training has its own thread count; neither it nor --threads is part of the run's identity.
        var options = new ZeroOptions { OutputDirectory = _dir };
        Assert.Equal(1, options.PretrainThreads);
        Assert.Equal(ZeroOptionsFile.Settings(options), ZeroOptionsFile.Settings(options with { Threads = 2, PretrainThreads = 0 }));
        // Nor how a pre-training step is split over workers; and a run recorded before that setting existed (no
        // "workers" in its pretrain block) compares equal.
        Assert.Equal(ZeroOptionsFile.Settings(options), ZeroOptionsFile.Settings(options with { Pretrain = options.Pretrain with { Workers = 1 } }));
        Assert.DoesNotContain("workers", ZeroOptionsFile.Settings(options)["pretrain"], StringComparison.Ordinal);
        Assert.NotEqual(ZeroOptionsFile.Settings(options), ZeroOptionsFile.Settings(options with { Pretrain = options.Pretrain with { Steps = 10 } }));

        string path = Path.Combine(_dir, "zero.json");
        await File.WriteAllTextAsync(path, """{"pretrain_threads": 0}""");
        Assert.Equal(0, (await ZeroOptionsFile.LoadFileAsync(path, CancellationToken.None)).PretrainThreads);
    }
}
