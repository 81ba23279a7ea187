using System.Text.Json;
using R1Sharp.Rewards.Code.Languages;
using R1Sharp.Rewards.Code.TestCases;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Code;

/// <summary>
/// The code-execution reward: the last fenced code block of the row's language is run in the sandbox against
/// the row's <c>verification_info</c> tests (open-r1 layout); the reward is the pass fraction or 1/0 for all
/// passing (<see cref="CodeExecutionRewardOptions.Mode"/>). A completion without such a block scores 0. A row
/// without tests, or with malformed ones, is not applicable (null), and the reason is reported.
/// If the sandbox is unavailable, scoring throws <see cref="SandboxUnavailableException"/> every time: code is
/// never run outside the sandbox, and a silent 0 would hide the problem from the trainer.
/// </summary>
public sealed class CodeExecutionReward : IRewardFunction, IDisposable
{
    private readonly CodeExecutionRewardOptions _options;
    private readonly Lazy<Task<ICodeSandbox>> _sandbox;
    private readonly bool _ownsSandbox;
    private readonly EvaluationCache _cache;

    /// <summary>Scores with an already started sandbox (not disposed by this reward).</summary>
    public CodeExecutionReward(ICodeSandbox sandbox, CodeExecutionRewardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        _options = options ?? new CodeExecutionRewardOptions();
        _sandbox = new Lazy<Task<ICodeSandbox>>(Task.FromResult(sandbox));
        _cache = new EvaluationCache(_options.CacheCapacity);
    }

    /// <summary>Scores with its own <see cref="BubblewrapSandbox"/>, started (and probed) once, on first use.</summary>
    public CodeExecutionReward(CodeExecutionRewardOptions? options = null, SandboxOptions? sandboxOptions = null)
    {
        _options = options ?? new CodeExecutionRewardOptions();
        _ownsSandbox = true;
        _sandbox = new Lazy<Task<ICodeSandbox>>(async () => await BubblewrapSandbox.StartAsync(sandboxOptions).ConfigureAwait(false));
        _cache = new EvaluationCache(_options.CacheCapacity);
    }

    /// <inheritdoc />
    public string Name => "code";

    /// <summary>The options in use.</summary>
    public CodeExecutionRewardOptions Options => _options;

    /// <inheritdoc />
    public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        (await EvaluateAsync(input, cancellationToken).ConfigureAwait(false)).Score;

    /// <summary>Scores one completion and returns everything behind the score (verdicts, reason for null).</summary>
    /// <exception cref="SandboxUnavailableException">The sandbox cannot run code on this machine.</exception>
    public async Task<CodeExecutionOutcome> EvaluateAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.Row.TryGetValue(_options.VerificationInfoField, out var field) || field.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return NotApplicable($"row has no '{_options.VerificationInfoField}' field");
        VerificationInfo tests;
        try
        {
            tests = VerificationInfo.Parse(field, _options.DefaultLanguage, _options.VerificationInfoField);
        }
        catch (VerificationInfoException e)
        {
            return NotApplicable($"malformed {e.Message}");
        }

        try
        {
            _ = LanguageToolchain.For(tests.Language);
        }
        catch (NotSupportedException e)
        {
            return NotApplicable($"{tests.Language} cannot run here: {e.Message}");
        }

        string? program = CodeBlockExtractor.ExtractLast(input.Completion, tests.Language, _options.AcceptUntaggedBlocks);
        if (program == null || program.Trim().Length == 0)
            return new CodeExecutionOutcome(0.0, null, null, null);

        var sandbox = await _sandbox.Value.ConfigureAwait(false);
        var judge = new CodeJudge(sandbox, _options.Judge);
        string key = EvaluationCache.KeyOf(tests.Language, program, field.GetRawText() + JsonSerializer.Serialize(_options.Judge.FloatTolerance));
        var evaluation = await _cache.GetOrRun(key, () => judge.EvaluateAsync(program, tests, CancellationToken.None))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        double score = _options.Mode == CodeRewardMode.AllOrNothing
            ? (evaluation.AllPassed ? 1.0 : 0.0)
            : evaluation.PassFraction;
        return new CodeExecutionOutcome(score, null, evaluation, program);
    }

    /// <summary>Disposes the sandbox this reward started itself.</summary>
    public void Dispose()
    {
        if (_ownsSandbox && _sandbox.IsValueCreated && _sandbox.Value.IsCompletedSuccessfully)
            _sandbox.Value.Result.Dispose();
    }

    private CodeExecutionOutcome NotApplicable(string reason)
    {
        _options.OnNotApplicable?.Invoke(reason);
        return new CodeExecutionOutcome(null, reason, null, null);
    }
}
