namespace R1Sharp.Tasks;

/// <summary>
/// The built-in mixture of task families with a fixed held-out split. The held-out problems are drawn first from
/// their own seed; training problems come from an index-addressed stream that skips every held-out problem, so
/// "problem number k" is reproducible (resume needs only k) and nothing evaluated is ever trained on.
/// </summary>
public sealed class TaskSuite
{
    private readonly HashSet<string> _heldOutKeys;
    private readonly int _seed;
    private readonly int[] _familyCycle;

    /// <summary>Builds the suite.</summary>
    /// <param name="tasks">Families.</param>
    /// <param name="seed">Seed of both the held-out draw and the training stream.</param>
    /// <param name="heldOutPerFamily">Held-out problems per family.</param>
    /// <param name="weights">
    /// Whole-number share of each family in the training streams (null = equal): with weights 2 and 1, training
    /// problems cycle family 0, family 0, family 1. The held-out split has the same number of problems per family.
    /// </param>
    public TaskSuite(IReadOnlyList<IReasoningTask> tasks, int seed, int heldOutPerFamily, IReadOnlyList<int>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0) throw new ArgumentException("At least one task family is needed.", nameof(tasks));
        weights ??= [.. tasks.Select(_ => 1)];
        if (weights.Count != tasks.Count || weights.Any(w => w < 0) || weights.Sum() == 0)
            throw new ArgumentException($"weights: one non-negative whole number per family ({tasks.Count}), not all zero; got [{string.Join(", ", weights)}].", nameof(weights));
        _familyCycle = [.. weights.SelectMany((w, family) => Enumerable.Repeat(family, w))];
        Tasks = tasks;
        _seed = seed;
        var random = new Random(seed ^ 0x5eed);
        var heldOut = new List<ReasoningProblem>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            int added = 0, attempts = 0;
            while (added < heldOutPerFamily && attempts++ < heldOutPerFamily * 50)
            {
                var problem = task.Generate(random);
                if (keys.Add(problem.Key)) { heldOut.Add(problem); added++; }
            }
        }
        HeldOut = heldOut;
        _heldOutKeys = keys;
    }

    /// <summary>The default R1-Zero mixture: Countdown and multi-step arithmetic.</summary>
    public static TaskSuite CreateDefault(int seed, int heldOutPerFamily) =>
        new([new CountdownTask(), new ArithmeticTask()], seed, heldOutPerFamily);

    /// <summary>The families.</summary>
    public IReadOnlyList<IReasoningTask> Tasks { get; }

    /// <summary>The held-out problems (never returned by <see cref="TrainingProblem"/>).</summary>
    public IReadOnlyList<ReasoningProblem> HeldOut { get; }

    /// <summary>The family that generated a problem.</summary>
    public IReasoningTask TaskOf(ReasoningProblem problem) =>
        Tasks.First(t => t.Family == problem?.Family);

    /// <summary>The family of training problem <paramref name="index"/> (any stream).</summary>
    public IReasoningTask FamilyOf(long index) => Tasks[_familyCycle[(int)(index % _familyCycle.Length)]];

    /// <summary>Training problem number <paramref name="index"/> of the stream named <paramref name="stream"/> (e.g. 0 = pre-training, 1 = RL).</summary>
    public ReasoningProblem TrainingProblem(long index, int stream = 0)
    {
        var task = FamilyOf(index);
        var random = new Random(unchecked((int)(_seed * 1_000_003L + stream * 7_919L + index * 2_654_435_761L)));
        while (true)
        {
            var problem = task.Generate(random);
            if (!_heldOutKeys.Contains(problem.Key)) return problem;
        }
    }
}
