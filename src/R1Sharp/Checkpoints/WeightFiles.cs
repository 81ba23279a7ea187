using System.Text.Json;

namespace R1Sharp.Checkpoints;

/// <summary>
/// The safetensors files of a checkpoint directory, opened and validated: either <c>model.safetensors.index.json</c>
/// and the shards it names, or a single <c>model.safetensors</c>. Maps each tensor name to the file holding it.
/// </summary>
internal sealed class WeightFiles : IDisposable
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files = [];

    private WeightFiles()
    {
    }

    /// <summary>Tensor name -> the file that holds it.</summary>
    public Dictionary<string, SafetensorsFile> Sources { get; } = new(StringComparer.Ordinal);

    public static WeightFiles Open(string dir)
    {
        var set = new WeightFiles();
        try
        {
            string index = Path.Combine(dir, IndexFile);
            string single = Path.Combine(dir, SingleFile);
            if (File.Exists(index)) set.OpenSharded(dir, index);
            else if (File.Exists(single)) set.Add(SafetensorsFile.Open(single));
            else throw new FileNotFoundException($"{dir}: no {SingleFile} or {IndexFile} (weights must be safetensors)");
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }

    private void Add(SafetensorsFile file)
    {
        _files.Add(file);
        foreach (string name in file.Entries.Keys)
            if (!Sources.TryAdd(name, file))
                throw new InvalidDataException($"{file.Path}: tensor '{name}' is also stored in {Sources[name].Path}");
    }

    private void OpenSharded(string dir, string indexPath)
    {
        Dictionary<string, string> map;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{indexPath}: 'weight_map' is missing or not an object");
            map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in weightMap.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{indexPath}: weight_map entry '{p.Name}' must name a file");
                map[p.Name] = p.Value.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{indexPath}: not valid JSON ({e.Message})", e);
        }
        foreach (string shard in map.Values.Distinct(StringComparer.Ordinal))
        {
            // Untrusted index: shard names must stay inside the checkpoint directory.
            if (shard.Contains('/') || shard.Contains('\\') || shard is "." or "..")
                throw new InvalidDataException($"{indexPath}: shard name '{shard}' must be a plain file name");
            string path = Path.Combine(dir, shard);
            if (!File.Exists(path)) throw new FileNotFoundException($"{indexPath}: shard '{shard}' listed in weight_map does not exist");
            var file = SafetensorsFile.Open(path);
            _files.Add(file);
            foreach (var (name, file2) in map.Where(m => m.Value == shard).Select(m => (m.Key, file)))
            {
                if (!file2.Entries.ContainsKey(name))
                    throw new InvalidDataException($"{indexPath}: weight_map puts tensor '{name}' in '{shard}', which does not hold it");
                Sources[name] = file2;
            }
        }
    }
}
