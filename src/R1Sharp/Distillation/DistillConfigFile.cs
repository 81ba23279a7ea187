using System.Text.Json.Nodes;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Sft;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace R1Sharp.Distillation;

/// <summary>Reads <see cref="DistillConfig"/> from YAML or JSON (JSON is read as YAML, of which it is a subset).</summary>
public static class DistillConfigFile
{
    /// <summary>Loads and checks a config; relative paths become relative to the file's directory.</summary>
    /// <exception cref="InvalidDataException">Unreadable or invalid; the message names the file, line and key.</exception>
    public static DistillConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"distill config not found: {path}", path);
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        DistillConfig config;
        try
        {
            config = deserializer.Deserialize<DistillConfig>(File.ReadAllText(path)) ?? new DistillConfig();
        }
        catch (YamlException e)
        {
            string detail = e.InnerException?.Message ?? e.Message;
            throw new InvalidDataException($"{path}:{e.Start.Line}: {detail}", e);
        }
        string root = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(root, p));

        if (string.IsNullOrWhiteSpace(config.Prompts)) throw new InvalidDataException($"{path}: 'prompts' is required");
        config.Prompts = Resolve(config.Prompts);
        if (config.EvalPrompts is not null) config.EvalPrompts = Resolve(config.EvalPrompts);
        config.Output = Resolve(config.Output);
        var teacher = config.Teacher;
        if ((teacher.Endpoint is null) == (teacher.ModelDir is null))
            throw new InvalidDataException($"{path}: 'teacher' needs exactly one of 'endpoint' (with 'model') or 'model_dir'");
        if (teacher.Endpoint is not null && string.IsNullOrWhiteSpace(teacher.Model))
            throw new InvalidDataException($"{path}: 'teacher.model' is required with 'teacher.endpoint'");
        if (teacher.ModelDir is not null) teacher.ModelDir = Resolve(teacher.ModelDir);
        if (string.IsNullOrWhiteSpace(config.Student.ModelDir)) throw new InvalidDataException($"{path}: 'student.model_dir' is required");
        config.Student.ModelDir = Resolve(config.Student.ModelDir);
        config.Student.Training = StudentTraining(config, $"{path} (student.sft)");
        return config;
    }

    // One reader for SFT settings everywhere: the same keys, aliases and validation as r1 sft --config.
    private static SftOptions StudentTraining(DistillConfig config, string source)
    {
        var settings = new JsonObject();
        foreach (var (key, value) in config.Student.Sft)
        {
            var (name, node) = SettingsText.ParseOverride($"{key}={value}");
            settings[name] = node;
        }
        var defaults = new SftOptions { OutputDirectory = Path.Combine(config.Output, "student"), EvalSteps = 0, SaveSteps = 0 };
        return SftOptionsFile.Schema.Bind(settings, defaults, source);
    }
}
