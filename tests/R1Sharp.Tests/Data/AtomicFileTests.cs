using R1Sharp.IO;

namespace R1Sharp.Tests.Data;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ReplacesContentAndLeavesNoTemporaryFiles()
    {
        string path = Path.Combine(_dir, "sub", "f.txt");
        await AtomicFile.WriteAllTextAsync(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.Combine(_dir, "sub")));
    }

    [Fact]
    public async Task AFailedWriteKeepsTheOldContent()
    {
        string path = Path.Combine(_dir, "keep.txt");
        File.WriteAllText(path, "old");
        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[] { 1, 2, 3 }, ct);
            throw new InvalidOperationException("writer died");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
