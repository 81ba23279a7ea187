using System.Text.RegularExpressions;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Architecture;

/// <summary>The trainers share what they have in common through neutral folders (LanguageModeling, Checkpointing,
/// Metrics, Optimization), never through each other: the built-in pre-trainer (Zero) uses no SFT type and SFT no Zero
/// type, and the shared folders use neither.</summary>
public sealed class TrainerNamespaceTests
{
    [Theory]
    [InlineData("Zero", "Sft")]
    [InlineData("Sft", "Zero")]
    [InlineData("LanguageModeling", "Sft")]
    [InlineData("LanguageModeling", "Zero")]
    [InlineData("LanguageModeling", "Grpo")]
    public void AFolderOfTrainingDoesNotUseAnother(string folder, string forbidden)
    {
        string dir = Path.Combine(SharedData.RepositoryRoot, "src", "R1Sharp", "Training", folder);
        var pattern = new Regex($@"\b(R1Sharp\.)?Training\.{forbidden}\b|\b{forbidden}\.[A-Z]\w*\.");
        var offenders = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => pattern.IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(SharedData.RepositoryRoot, f)).ToList();
        Assert.True(offenders.Count == 0, $"Training/{folder} uses Training/{forbidden}: {string.Join(", ", offenders)}");
    }
}
