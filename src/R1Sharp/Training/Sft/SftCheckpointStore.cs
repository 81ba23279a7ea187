using System.Globalization;
using TorchSharp.Modules;

namespace R1Sharp.Training.Sft;

/// <summary>
/// <c>checkpoint-N/</c> directories of a run: the model's weights (as the model saves them), the optimizer's
/// moments (optimizer.bin) and trainer_state.json. Each is written to a temporary directory and renamed into place,
/// so a kill mid-save leaves the previous checkpoint intact and never a half-written one.
/// </summary>
public sealed class SftCheckpointStore
{
    private const string Prefix = "checkpoint-";
    private const string OptimizerFile = "optimizer.bin";
    private readonly string _root;
    private readonly int _keep;

    /// <summary>Store under <paramref name="root"/>, keeping the newest <paramref name="keep"/> checkpoints (0 = all).</summary>
    public SftCheckpointStore(string root, int keep)
    {
        _root = root ?? throw new ArgumentNullException(nameof(root));
        _keep = keep;
    }

    /// <summary>Saves a checkpoint at the state's step and prunes old ones. Returns its directory.</summary>
    public async Task<string> SaveAsync(ISftModel model, OptimizerHelper optimizer, SftTrainerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        string final = Path.Combine(_root, Prefix + state.GlobalStep.ToString(CultureInfo.InvariantCulture));
        string temp = Path.Combine(_root, $".{Prefix}{state.GlobalStep}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            await model.SaveAsync(temp, cancellationToken).ConfigureAwait(false);
            optimizer.save_state_dict(Path.Combine(temp, OptimizerFile));
            await state.SaveAsync(temp, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(temp, final);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        Prune();
        return final;
    }

    /// <summary>Restores model weights and optimizer moments from <paramref name="directory"/> and returns its state.</summary>
    public static SftTrainerState Restore(string directory, ISftModel model, OptimizerHelper optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = SftTrainerState.Load(directory);
        model.Load(directory);
        string optimizerPath = Path.Combine(directory, OptimizerFile);
        if (!File.Exists(optimizerPath)) throw new InvalidDataException($"{optimizerPath}: not found; the checkpoint is incomplete");
        optimizer.load_state_dict(optimizerPath);
        return state;
    }

    /// <summary>The newest complete checkpoint under <paramref name="root"/>, or null.</summary>
    public static string? FindLatest(string root)
    {
        if (!Directory.Exists(root)) return null;
        return Directory.EnumerateDirectories(root, Prefix + "*")
            .Select(d => (Dir: d, Step: int.TryParse(Path.GetFileName(d)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : -1))
            .Where(c => c.Step >= 0 && File.Exists(Path.Combine(c.Dir, SftTrainerState.FileName)))
            .OrderByDescending(c => c.Step)
            .Select(c => c.Dir)
            .FirstOrDefault();
    }

    private void Prune()
    {
        if (_keep <= 0) return;
        var old = Directory.EnumerateDirectories(_root, Prefix + "*")
            .Select(d => (Dir: d, Step: int.TryParse(Path.GetFileName(d)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : -1))
            .Where(c => c.Step >= 0)
            .OrderByDescending(c => c.Step)
            .Skip(_keep);
        foreach (var (dir, _) in old) Directory.Delete(dir, recursive: true);
    }
}
