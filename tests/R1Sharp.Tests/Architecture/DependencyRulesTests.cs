using System.Reflection;
using System.Text.RegularExpressions;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Architecture;

/// <summary>
/// The layering of docs/ARCHITECTURE.md, enforced: what each project and each folder of R1Sharp may depend on.
/// A new dependency that crosses a layer fails here, naming the file, so the map and the code cannot drift apart.
/// </summary>
public sealed partial class DependencyRulesTests
{
    // Folder (top-level namespace under R1Sharp) -> the R1Sharp namespaces it may use. Lower layers first.
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["IO"] = [],
        // Torch calls made safe against TorchSharp's implicit-scalar use-after-free: used by every layer that computes.
        ["TorchInterop"] = [],
        ["Models"] = ["IO", "TorchInterop"],
        ["Text"] = ["IO"],
        ["Data"] = ["IO"],
        ["Generation"] = ["IO", "TorchInterop", "Models", "Text"],
        ["Checkpoints"] = ["IO", "TorchInterop", "Models", "Text", "Generation"],
        ["Gguf"] = ["IO", "TorchInterop", "Models", "Text", "Checkpoints"],
        ["Distributed"] = ["IO"],
        ["Tasks"] = ["IO", "Text", "Rewards", "Verify"],
        ["Tools"] = ["IO", "Text", "Rewards"],
        ["Training"] = ["IO", "TorchInterop", "Models", "Text", "Data", "Generation", "Checkpoints", "Tasks", "Tools", "Rewards", "Verify", "Distributed"],
        // Evaluation runs a tool-using model through the tool loop it was trained with (Training.Rollouts, issue 20).
        ["Evaluation"] = ["IO", "TorchInterop", "Models", "Text", "Data", "Generation", "Checkpoints", "Tasks", "Tools", "Training", "Rewards", "Verify"],
        // Serving reads tool calls from replies with the parser rollouts use (Tools.ToolCallParser, issue 20), and loads
        // r1 zero checkpoints with their task tokenizer (Tasks.ModelDirectoryTokenizer, issue 20).
        ["Serving"] = ["IO", "TorchInterop", "Models", "Text", "Generation", "Checkpoints", "Tools", "Tasks"],
        ["RewardModels"] = ["IO", "TorchInterop", "Models", "Text", "Data", "Generation", "Checkpoints", "Tasks", "Tools", "Training", "Evaluation", "Serving", "Rewards", "Verify"],
        ["Distillation"] = ["IO", "TorchInterop", "Models", "Text", "Data", "Generation", "Checkpoints", "Tasks", "Tools", "Training", "Evaluation", "Serving", "Rewards", "Verify", "RewardModels", "Distributed"],
        ["Pipeline"] = ["IO", "TorchInterop", "Models", "Text", "Data", "Generation", "Checkpoints", "Tasks", "Tools", "Training", "Evaluation", "Serving", "Rewards", "Verify", "RewardModels", "Distillation", "Distributed"],
    };

    [Fact]
    public void EveryFolderOfTheLibraryIsInTheLayerMap()
    {
        string root = Path.Combine(SharedData.RepositoryRoot, "src", "R1Sharp");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        Assert.All(folders, f => Assert.True(Allowed.ContainsKey(f!), $"src/R1Sharp/{f} is not in the layer map of DependencyRulesTests (and docs/ARCHITECTURE.md)"));
    }

    [Fact]
    public void LibraryFoldersUseOnlyTheLayersBelowThem()
    {
        string root = Path.Combine(SharedData.RepositoryRoot, "src", "R1Sharp");
        var violations = new List<string>();
        foreach (var (folder, allowed) in Allowed)
        {
            string dir = Path.Combine(root, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in SourceFiles(dir))
            {
                foreach (var used in R1SharpNamespacesUsed(File.ReadAllText(file)))
                {
                    if (used != folder && !allowed.Contains(used))
                        violations.Add($"{Path.GetRelativePath(SharedData.RepositoryRoot, file)} uses R1Sharp.{used}");
                }
            }
        }
        Assert.True(violations.Count == 0, "layer violations:\n" + string.Join("\n", violations.Distinct()));
    }

    [Theory]
    [InlineData("R1Sharp.Verify")]
    [InlineData("R1Sharp.Rewards")]
    public void VerifierAndRewardsNeedNoTorch(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r == "R1Sharp");
        if (assemblyName == "R1Sharp.Verify")
            Assert.All(references, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib", $"R1Sharp.Verify references {r}"));
    }

    [Fact]
    public void TheCommandLineHoldsNoTensorCode()
    {
        // "Cli holds no library logic": a command parses flags and calls the library. Touching tensors, devices or
        // thread pools of torch is library work, so the CLI project may not name TorchSharp at all.
        string root = Path.Combine(SharedData.RepositoryRoot, "src", "R1Sharp.Cli");
        var offenders = SourceFiles(root).Where(f => TorchUse().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(SharedData.RepositoryRoot, f)).ToList();
        Assert.True(offenders.Count == 0, "TorchSharp used in the CLI: " + string.Join(", ", offenders));
    }

    [Fact]
    public void NoSourceFileIsLongerThan400Lines()
    {
        string src = Path.Combine(SharedData.RepositoryRoot, "src");
        var tooLong = SourceFiles(src).Select(f => (File: f, Lines: File.ReadLines(f).Count())).Where(x => x.Lines > 400)
            .Select(x => $"{Path.GetRelativePath(SharedData.RepositoryRoot, x.File)} ({x.Lines} lines)").ToList();
        Assert.True(tooLong.Count == 0, "split by responsibility: " + string.Join(", ", tooLong));
    }

    [Fact]
    public void TheRuleCatchesAViolation()
    {
        // The scanner itself: a using and a fully qualified name both count; comments and strings of other text do not.
        string code = "using R1Sharp.Training.Grpo;\nnamespace R1Sharp.Models;\nclass A { R1Sharp.Serving.X? x; }";
        Assert.Equal(["Training", "Serving"], R1SharpNamespacesUsed(code));
    }

    private static IEnumerable<string> SourceFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    // The R1Sharp namespaces a file names (usings, fully qualified names, crefs), its own declaration excluded.
    // Names that are not layers (types in the root namespace such as R1Sharp.TorchInfo) are not dependencies.
    private static List<string> R1SharpNamespacesUsed(string code) =>
        Reference().Matches(NamespaceDeclaration().Replace(code, ""))
            .Select(m => m.Groups[1].Value)
            .Where(n => Allowed.ContainsKey(n) || n is "Rewards" or "Verify")
            .Distinct().ToList();

    [GeneratedRegex(@"\bR1Sharp\.(?!Cli\b|Testing\b|Tests\b)([A-Z][A-Za-z]*)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^namespace R1Sharp[\w.]*", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bTorchSharp\b|\btorch\.")]
    private static partial Regex TorchUse();
}
