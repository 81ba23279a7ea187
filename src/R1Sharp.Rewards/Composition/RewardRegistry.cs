namespace R1Sharp.Rewards.Composition;

/// <summary>
/// Creates reward functions by name with options, for command lines (<c>--reward format:0.5,accuracy:1</c>) and
/// config files. <see cref="CreateDefault"/> knows the built-in rewards (<c>format</c>, <c>tag_count</c>,
/// <c>language</c>, <c>cosine</c>, <c>repetition</c>, <c>overlong</c>); other assemblies add theirs with
/// <see cref="Register"/>. Thread-safe.
/// </summary>
public sealed class RewardRegistry
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>A registry holding the built-in rewards.</summary>
    public static RewardRegistry CreateDefault()
    {
        var registry = new RewardRegistry();
        BuiltInRewards.RegisterAll(registry);
        return registry;
    }

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock) return [.. _entries.Values.Select(e => e.Name).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Adds a reward name.</summary>
    /// <param name="name">Name used in specs: letters, digits, '_', '-' or '.'; case-insensitive.</param>
    /// <param name="description">One line for help texts: what it scores and its range.</param>
    /// <param name="factory">Creates the reward from its options; read every option through the reader, even when absent, so unknown keys can be reported.</param>
    /// <param name="replace">Replace an existing registration instead of failing.</param>
    /// <returns>This registry, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is invalid, or taken and <paramref name="replace"/> is false.</exception>
    public RewardRegistry Register(string name, string description, Func<RewardOptionReader, IRewardFunction> factory, bool replace = false)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(name);
        if (!RewardSpec.IsValidName(name))
            throw new ArgumentException($"'{name}' is not a valid reward name (letters, digits, '_', '-' or '.').", nameof(name));
        lock (_lock)
        {
            if (!replace && _entries.ContainsKey(name))
                throw new ArgumentException($"A reward named '{name}' is already registered.", nameof(name));
            _entries[name] = new Entry(name, description, factory);
        }
        return this;
    }

    /// <summary>True when <paramref name="name"/> is registered.</summary>
    public bool Contains(string name)
    {
        lock (_lock) return _entries.ContainsKey(name);
    }

    /// <summary>The description given at registration.</summary>
    /// <exception cref="RewardConfigurationException">Unknown name.</exception>
    public string DescriptionOf(string name) => Find(name).Description;

    /// <summary>Creates a reward by name.</summary>
    /// <param name="name">Registered name.</param>
    /// <param name="options">Options by key; null for none.</param>
    /// <exception cref="RewardConfigurationException">Unknown name (the message lists the known ones), unknown option, or invalid value.</exception>
    public IRewardFunction Create(string name, IReadOnlyDictionary<string, string>? options = null) =>
        Create(new RewardSpec(name, 1.0, options));

    /// <summary>Creates the reward a spec names (its weight is not used here).</summary>
    /// <exception cref="RewardConfigurationException">Unknown name, unknown option, or invalid value.</exception>
    public IRewardFunction Create(RewardSpec spec) => Create(spec, depth: 0);

    /// <summary>Creates weighted rewards from specs.</summary>
    /// <exception cref="RewardConfigurationException">A spec is invalid, or a name is given twice.</exception>
    public IReadOnlyList<WeightedReward> CreateWeighted(IEnumerable<RewardSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        RewardSpec[] list = [.. specs];
        RewardWeighting.ThrowIfRepeated(list);
        return [.. list.Select(s => new WeightedReward(Create(s), s.Weight))];
    }

    /// <summary>Creates a composer from a spec list such as <c>format:0.5,accuracy:1</c>.</summary>
    /// <exception cref="RewardConfigurationException">The list is malformed, names an unknown reward or option, or names a reward twice.</exception>
    public RewardComposer CreateComposer(string specList, RewardComposerOptions? options = null) =>
        new(CreateWeighted(RewardSpec.ParseList(specList)), options);

    internal IRewardFunction Create(RewardSpec spec, int depth)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Entry entry = Find(spec.Name);
        var reader = new RewardOptionReader(entry.Name, spec.OptionValues, this, depth);
        IRewardFunction reward;
        try
        {
            reward = entry.Factory(reader);
        }
        catch (ArgumentException e)
        {
            // Reward constructors validate their options; report that against the spec the user wrote.
            throw new RewardConfigurationException($"Reward '{spec}': {e.Message}", e);
        }
        string[] unread = [.. reader.UnreadKeys];
        if (unread.Length > 0)
        {
            string known = reader.KeysRead.Count == 0 ? "it takes no options" : "its options are " + string.Join(", ", reader.KeysRead.Order(StringComparer.Ordinal));
            throw new RewardConfigurationException($"Reward '{entry.Name}': unknown option '{string.Join("', '", unread)}'; {known}.");
        }
        return reward;
    }

    private Entry Find(string name)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(name.Trim(), out Entry? entry)) return entry;
            string known = _entries.Count == 0 ? "none are registered" : "known rewards: " + string.Join(", ", _entries.Keys.Order(StringComparer.Ordinal));
            throw new RewardConfigurationException($"Unknown reward '{name}'; {known}.");
        }
    }

    private sealed record Entry(string Name, string Description, Func<RewardOptionReader, IRewardFunction> Factory);
}
