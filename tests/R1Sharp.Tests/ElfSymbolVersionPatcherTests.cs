using R1Sharp.Build;

namespace R1Sharp.Tests;

public sealed class ElfSymbolVersionPatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string PristineTorchSharpLibrary()
    {
        string home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(home, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void MarksTheGlibcxxNeedWeakOnceAndChangesOnlyThatFlag()
    {
        string copy = Path.Combine(_dir, "lib.so");
        File.Copy(PristineTorchSharpLibrary(), copy);
        byte[] before = File.ReadAllBytes(copy);

        var changed = ElfSymbolVersionPatcher.MarkWeak(copy, new List<string> { "GLIBCXX_3.4.32" });
        Assert.Equal(["GLIBCXX_3.4.32"], changed);

        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        var differing = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.Single(differing);
        Assert.Equal(before[differing[0]] | 0x2, after[differing[0]]);

        Assert.Empty(ElfSymbolVersionPatcher.MarkWeak(copy, new List<string> { "GLIBCXX_3.4.32" }));
    }

    [Fact]
    public void BuiltLibraryBesideTheTestsIsAlreadyPatched()
    {
        string built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.Empty(ElfSymbolVersionPatcher.MarkWeak(built, new List<string> { "GLIBCXX_3.4.32" }));
    }

    [Fact]
    public void NonElfAndTruncatedFilesAreRejectedByName()
    {
        string text = Path.Combine(_dir, "text.so");
        File.WriteAllText(text, "not an elf file at all, just some text that is long enough to have a header......");
        var error = Assert.Throws<InvalidDataException>(() => ElfSymbolVersionPatcher.MarkWeak(text, new List<string> { "X" }));
        Assert.Contains("text.so", error.Message);

        string truncated = Path.Combine(_dir, "trunc.so");
        File.WriteAllBytes(truncated, File.ReadAllBytes(PristineTorchSharpLibrary()).AsSpan(0, 4096).ToArray());
        Assert.Throws<InvalidDataException>(() => ElfSymbolVersionPatcher.MarkWeak(truncated, new List<string> { "GLIBCXX_3.4.32" }));
    }
}
