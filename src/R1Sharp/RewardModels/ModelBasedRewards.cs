using R1Sharp.Evaluation.Backends;
using R1Sharp.Models;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;

namespace R1Sharp.RewardModels;

/// <summary>
/// Adds the model-based rewards to a <see cref="RewardRegistry"/>, so reward lists (<c>r1 grpo --reward</c>) can name
/// them next to the rule rewards, with weights:
/// <list type="bullet">
/// <item><c>reward_model(path=DIR;normalize=group;section=summary;batch_size=16;max_length=2048)</c>: a reward model
/// trained by <c>r1 rm</c> (any sequence-classification checkpoint with one label), scored in-process; or
/// <c>reward_model(url=URL;model=NAME;...)</c>, scored by a server's <c>/classify</c> (vLLM, SGLang, <c>r1 serve</c>);</item>
/// <item><c>helpfulness(path=DIR)</c> and <c>harmlessness(path=DIR)</c>: the same with DeepSeek-R1's sections as
/// defaults (summary only; whole response) and their own names, so both fit in one list;</item>
/// <item><c>judge(url=URL;model=NAME;mode=verdict;on_failure=exclude;...)</c>: an LLM judge over an OpenAI-compatible endpoint.</item>
/// </list>
/// docs/reward-models.md lists every option.
/// </summary>
public static class ModelBasedRewards
{
    /// <summary>A registry with the built-in rule rewards and the model-based ones.</summary>
    /// <param name="device">Device reward models are loaded on (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</param>
    public static RewardRegistry CreateRegistry(string device = "cpu")
    {
        var registry = RewardRegistry.CreateDefault();
        Register(registry, device);
        return registry;
    }

    /// <summary>Adds <c>reward_model</c>, <c>helpfulness</c>, <c>harmlessness</c> and <c>judge</c> to <paramref name="registry"/>.</summary>
    public static RewardRegistry Register(RewardRegistry registry, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("reward_model", "a trained reward model's score of prompt + completion (r1 rm); normalize=none|sigmoid|group|batch",
            o => CreateRewardModel(o, device, "reward_model", CompletionSection.Whole));
        registry.Register("helpfulness", "a reward model on the summary after the reasoning (DeepSeek-R1's helpfulness reward)",
            o => CreateRewardModel(o, device, "helpfulness", CompletionSection.Summary));
        registry.Register("harmlessness", "a reward model on the whole response, reasoning included (DeepSeek-R1's harmlessness reward)",
            o => CreateRewardModel(o, device, "harmlessness", CompletionSection.Whole));
        registry.Register("judge", "an LLM judge over an OpenAI-compatible endpoint: verdict 1/0 or score 0..1; failures counted, never a silent 0", CreateJudge);
        return registry;
    }

    private static RewardModelReward CreateRewardModel(RewardOptionReader o, string device, string name, CompletionSection section)
    {
        var defaults = new RewardModelRewardOptions();
        var options = new RewardModelRewardOptions
        {
            Name = o.GetString("name", name)!,
            Section = o.GetEnum("section", section),
            Normalization = o.GetEnum("normalize", defaults.Normalization),
            BatchSize = o.GetInt32("batch_size", defaults.BatchSize),
            MaxLength = o.GetInt32("max_length", defaults.MaxLength),
            OnFailure = o.GetEnum("on_failure", defaults.OnFailure),
            Fallback = o.GetDouble("fallback", defaults.Fallback),
        };
        string? path = o.GetString("path");
        string? url = o.GetString("url");
        if ((path is null) == (url is null))
            throw new ArgumentException("give exactly one of 'path' (a reward model directory, scored in-process) and 'url' (a server's /classify endpoint)");
        IRewardModelScorer scorer = url is not null ? RemoteScorer(o, url, options) : LocalScorer(path!, device, options);
        try
        {
            return new RewardModelReward(scorer, options);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    private static LocalRewardModelScorer LocalScorer(string path, string device, RewardModelRewardOptions options)
    {
        if (!RewardModelCheckpoint.IsRewardModel(path))
            throw new ArgumentException($"{path} is not a reward model (its config.json names no ...ForSequenceClassification architecture); train one with r1 rm");
        var model = RewardModelCheckpoint.Load(path, DeviceSelection.Parse(device));
        try
        {
            return new LocalRewardModelScorer(model, ModelDirectoryTokenizer.Load(path), options.BatchSize, options.MaxLength);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ClassifyEndpointScorer RemoteScorer(RewardOptionReader o, string url, RewardModelRewardOptions options)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint)) throw new ArgumentException($"url '{url}' is not an absolute URL");
        string model = o.GetString("model") ?? throw new ArgumentException("option 'model' (the reward model's name on the server) is required with 'url'");
        var (retries, timeout, retryDelay) = HttpSettings(o);
        string? keyVariable = o.GetString("api_key_env");
        return new ClassifyEndpointScorer(new ClassifyEndpointOptions
        {
            Endpoint = endpoint,
            Model = model,
            ApiKey = keyVariable is null ? null : Environment.GetEnvironmentVariable(keyVariable),
            BatchSize = options.BatchSize,
            MaxLength = options.MaxLength,
            MaxConcurrency = o.GetInt32("max_concurrency", new ClassifyEndpointOptions { Endpoint = endpoint, Model = model }.MaxConcurrency),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            Retry = new RetryPolicy { MaxRetries = retries, InitialDelay = TimeSpan.FromSeconds(retryDelay) },
        });
    }

    // retries, timeout (s) and retry_delay (s), shared by the judge and the remote reward model.
    private static (int Retries, double Timeout, double RetryDelay) HttpSettings(RewardOptionReader o)
    {
        int retries = o.GetInt32("retries", 3);
        double timeout = o.GetDouble("timeout", 300);
        double retryDelay = o.GetDouble("retry_delay", 1);
        if (retries < 0) throw new ArgumentException($"retries must be ≥ 0 (got {retries})");
        if (!(timeout > 0)) throw new ArgumentException($"timeout must be > 0 seconds (got {timeout})");
        if (!(retryDelay >= 0)) throw new ArgumentException($"retry_delay must be ≥ 0 seconds (got {retryDelay})");
        return (retries, timeout, retryDelay);
    }

    private static JudgeReward CreateJudge(RewardOptionReader o)
    {
        var d = new JudgeRewardOptions();
        string url = o.GetString("url") ?? throw new ArgumentException("option 'url' (the judge's OpenAI-compatible endpoint, e.g. http://localhost:8000/v1) is required");
        string model = o.GetString("model") ?? throw new ArgumentException("option 'model' (the judge's model name on the server) is required");
        string? keyVariable = o.GetString("api_key_env");
        string? templateFile = o.GetString("template");
        var mode = o.GetEnum("mode", d.Mode);
        var options = new JudgeRewardOptions
        {
            Name = o.GetString("name", d.Name)!,
            Mode = mode,
            Section = o.GetEnum("section", d.Section),
            Template = templateFile is null ? null : JudgePromptTemplate.Load(templateFile),
            QuestionField = o.GetString("question_field"),
            ReferenceField = o.GetString("reference_field", d.ReferenceField)!,
            OnFailure = o.GetEnum("on_failure", d.OnFailure),
            Fallback = o.GetDouble("fallback", d.Fallback),
            MaxConcurrency = o.GetInt32("max_concurrency", d.MaxConcurrency),
            MaxTokens = o.GetInt32("max_tokens", d.MaxTokens),
            Temperature = o.GetDouble("temperature", d.Temperature),
        };
        if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint)) throw new ArgumentException($"url '{url}' is not an absolute URL");
        var (retries, timeout, retryDelay) = HttpSettings(o);
        var backend = new OpenAICompatibleBackend(new OpenAICompatibleOptions
        {
            Endpoint = endpoint,
            Model = model,
            ApiKey = keyVariable is null ? null : Environment.GetEnvironmentVariable(keyVariable),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            Retry = new RetryPolicy { MaxRetries = retries, InitialDelay = TimeSpan.FromSeconds(retryDelay) },
        });
        try
        {
            return new JudgeReward(backend, options);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }
}
