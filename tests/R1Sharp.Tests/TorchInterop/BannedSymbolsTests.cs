using System.Reflection;
using R1Sharp.Testing;
using TorchSharp;

namespace R1Sharp.Tests.TorchInterop;

/// <summary>
/// src/BannedSymbols.txt is what stops a number from reaching TorchSharp unheld (the analyzer fails the build on each
/// listed symbol). These checks keep it complete against the TorchSharp the build references.
/// </summary>
public sealed class BannedSymbolsTests
{
    private static readonly HashSet<string> Banned = File.ReadLines(Path.Combine(SharedData.RepositoryRoot, "src", "BannedSymbols.txt"))
        .Where(line => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal))
        .Select(line => line.Split(';')[0])
        .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void EveryImplicitConversionToScalarIsBanned()
    {
        var conversions = typeof(Scalar).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == "op_Implicit" && m.ReturnType == typeof(Scalar))
            .Select(m => $"M:TorchSharp.Scalar.op_Implicit({DocumentationName(m.GetParameters()[0].ParameterType)})~TorchSharp.Scalar")
            .ToList();
        Assert.NotEmpty(conversions);
        Assert.All(conversions, id => Assert.Contains(id, Banned));
    }

    [Fact]
    public void EveryAdamWFactoryIsBanned()
    {
        var factories = typeof(torch.optim).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == "AdamW").ToList();
        Assert.NotEmpty(factories);
        Assert.All(factories, m => Assert.Contains(
            $"M:TorchSharp.torch.optim.AdamW({string.Join(',', m.GetParameters().Select(p => DocumentationName(p.ParameterType)))})", Banned));
    }

    [Fact]
    public void TheLibraryAndTheCliAnalyseAgainstTheList()
    {
        foreach (string project in new[] { "R1Sharp/R1Sharp.csproj", "R1Sharp.Cli/R1Sharp.Cli.csproj" })
        {
            string text = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "src", project));
            Assert.Contains("Microsoft.CodeAnalysis.BannedApiAnalyzers", text, StringComparison.Ordinal);
            Assert.Contains("src/BannedSymbols.txt", text, StringComparison.Ordinal);
        }
    }

    // The documentation-comment ID of a parameter type: nested types with '.', generic arguments in braces.
    private static string DocumentationName(Type type)
    {
        if (type.IsGenericType)
        {
            string name = type.GetGenericTypeDefinition().FullName!;
            name = name[..name.IndexOf('`', StringComparison.Ordinal)].Replace('+', '.');
            return $"{name}{{{string.Join(',', type.GetGenericArguments().Select(DocumentationName))}}}";
        }
        return type.FullName!.Replace('+', '.');
    }
}
