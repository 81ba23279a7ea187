namespace R1Sharp.Generation;

/// <summary>
/// How <see cref="BatchedGenerator"/> samples. Defaults follow the DeepSeek-R1 paper's RL setting (temperature 1,
/// no truncation of the distribution); its evaluation setting is temperature 0.6, top-p 0.95.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Most tokens generated per prompt (default 256). The paper evaluates with 32,768.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Softmax temperature (default 1.0, the paper's RL sampling temperature). 0 = greedy (argmax).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches top_p (default 1.0 = off; paper's evaluation: 0.95).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens (default 0 = off; transformers' generation_config often says 20-50).</summary>
    public int TopK { get; init; }

    /// <summary>Drop tokens whose probability is below min_p x the top token's (default 0 = off; transformers' min_p).</summary>
    public double MinP { get; init; }

    /// <summary>Token ids that end a sequence (default none; take them from generation_config.json / the tokenizer).</summary>
    public IReadOnlyList<int> EosIds { get; init; } = [];

    /// <summary>Strings that end a sequence once its decoded completion contains one (default none). Needs <see cref="Decoder"/>.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Token ids -> text, used only to look for <see cref="StopStrings"/> (default null).</summary>
    public Func<IReadOnlyList<int>, string>? Decoder { get; init; }

    /// <summary>
    /// Ends a row when it returns true for the row's tokens so far (default null: never). Checked after every token,
    /// after EOS and the stop strings; the row ends with <see cref="FinishReason.StopCondition"/>. The multi-turn tool
    /// loop uses it to pause a row at the end of a tool call (a closing fence that a stop string cannot tell from an opening one).
    /// </summary>
    public Func<IReadOnlyList<int>, bool>? StopWhen { get; init; }

    /// <summary>Seed of the per-call random generator; the same seed, prompts and model give the same samples (default null = random).</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// A seed per group of consecutive rows instead of <see cref="Seed"/> (default null): each group draws from its own
    /// generator, so its samples do not depend on the other rows of the batch (issue 17). Covers every row of the batch.
    /// </summary>
    public GroupSeeds? GroupSeeds { get; init; }

    /// <summary>Also report log-probs under the temperature-scaled or processed distribution (default None: only the temperature-1 <see cref="GeneratedSequence.LogProbs"/>).</summary>
    public SamplingLogProbKind SamplingLogProbs { get; init; } = SamplingLogProbKind.None;

    /// <summary>
    /// Ids that may be sampled (default null: every id of the model's vocabulary). Set it to
    /// <see cref="SampleableIds.Of"/> the tokenizer whenever the output is decoded: an embedding padded past the
    /// tokenizer would otherwise sample ids that decode to nothing.
    /// </summary>
    public SampleableIds? SampleableIds { get; init; }

    /// <summary>Token id written into left padding (default 0; any id works, padding is masked out).</summary>
    public int PadId { get; init; }

    /// <summary>
    /// Prompt positions processed per prefill pass, summed over the batch (default 4096): a long prompt batch is fed
    /// in chunks of 4096 / batch positions so that attention scores stay bounded in memory. Results do not depend on it.
    /// </summary>
    public int PrefillChunkTokens { get; init; } = 4096;

    /// <summary>Whether <see cref="Temperature"/> 0 (greedy) is in effect.</summary>
    public bool IsGreedy => Temperature == 0;

    /// <summary>Sampling of <paramref name="tokenizer"/>'s text: its end-of-sequence and padding ids, and only the ids it
    /// has (never the embedding's spare rows).</summary>
    public static SamplingOptions For(Text.ITextTokenizer tokenizer, int maxNewTokens, double temperature, double topP)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new SamplingOptions
        {
            MaxNewTokens = maxNewTokens,
            Temperature = temperature,
            TopP = topP,
            EosIds = tokenizer.EosIds,
            PadId = tokenizer.PadId,
            SampleableIds = SampleableIds.Of(tokenizer),
        };
    }

    /// <summary>Checks the values; throws naming the first invalid option.</summary>
    /// <exception cref="ArgumentException">An option is out of range or stop strings lack a decoder.</exception>
    public void Validate()
    {
        if (MaxNewTokens <= 0) throw new ArgumentException($"SamplingOptions.MaxNewTokens must be positive (got {MaxNewTokens})");
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new ArgumentException($"SamplingOptions.Temperature must be >= 0 (got {Temperature})");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"SamplingOptions.TopP must be in (0, 1] (got {TopP})");
        if (PrefillChunkTokens <= 0) throw new ArgumentException($"SamplingOptions.PrefillChunkTokens must be positive (got {PrefillChunkTokens})");
        if (TopK < 0) throw new ArgumentException($"SamplingOptions.TopK must be >= 0 (got {TopK})");
        if (!(MinP >= 0 && MinP <= 1)) throw new ArgumentException($"SamplingOptions.MinP must be in [0, 1] (got {MinP})");
        if (StopStrings.Count > 0 && Decoder is null) throw new ArgumentException("SamplingOptions.StopStrings need SamplingOptions.Decoder to turn tokens into text");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentException("SamplingOptions.StopStrings must not contain empty strings");
        if (GroupSeeds is not null && Seed is not null) throw new ArgumentException("SamplingOptions.Seed and SamplingOptions.GroupSeeds are exclusive: set one");
        if (IsGreedy && SamplingLogProbs == SamplingLogProbKind.TemperatureScaled) throw new ArgumentException("SamplingOptions.SamplingLogProbs = TemperatureScaled needs Temperature > 0");
    }
}
