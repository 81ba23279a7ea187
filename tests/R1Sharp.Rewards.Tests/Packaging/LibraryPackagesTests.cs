using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using R1Sharp.Testing;

namespace R1Sharp.Rewards.Tests.Packaging;

/// <summary>
/// Issue 21 #11: R1Sharp.Verify and R1Sharp.Rewards are packages of their own, small and without torch. Packs both
/// into a temporary feed, then restores and builds a consumer from that feed alone (its own packages folder, no
/// other source) and runs it: the restore graph holds the two packages and no TorchSharp.
/// </summary>
public sealed class LibraryPackagesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-packages").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task BothLibrariesPackSmallAndAConsumerRestoresThemWithoutTorch()
    {
        string feed = Path.Combine(_dir, "feed");
        string configuration = typeof(LibraryPackagesTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        foreach (string project in new[] { "R1Sharp.Verify", "R1Sharp.Rewards" })
            await DotnetAsync(SharedData.RepositoryRoot, "pack", Path.Combine("src", project, project + ".csproj"), "-c", configuration, "--no-build", "-o", feed);

        foreach (string id in new[] { "R1Sharp.Verify", "R1Sharp.Rewards" })
        {
            string package = Assert.Single(Directory.GetFiles(feed, id + ".*.nupkg"));
            Assert.True(new FileInfo(package).Length < 1 << 20, $"{id} is {new FileInfo(package).Length:N0} bytes; meant to be a few hundred kilobytes");
            using var zip = ZipFile.OpenRead(package);
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            string manifest = await nuspec.ReadToEndAsync();
            Assert.Contains("<readme>README.md</readme>", manifest, StringComparison.Ordinal);
            Assert.DoesNotContain("TorchSharp", manifest, StringComparison.Ordinal);
        }

        string consumer = WriteConsumer(feed);
        await DotnetAsync(consumer, "build", "-c", "Release");
        string output = await DotnetAsync(consumer, Path.Combine("bin", "Release", "net10.0", "Consumer.dll"));
        Assert.Equal("True 1", output.Trim());

        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(consumer, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
        Assert.Contains("R1Sharp.Verify", libraries);
        Assert.Contains("R1Sharp.Rewards", libraries);
        Assert.DoesNotContain(libraries, name => name.Contains("Torch", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(libraries, name => name == "R1Sharp");
    }

    /// <summary>A console program referencing R1Sharp.Rewards only, restored from <paramref name="feed"/> and nothing else.</summary>
    private string WriteConsumer(string feed)
    {
        string dir = Path.Combine(_dir, "consumer");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(_dir, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="R1Sharp.Rewards" Version="*" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using R1Sharp.Rewards;
            using R1Sharp.Rewards.Format;
            using R1Sharp.Verify;

            bool correct = MathVerifier.Verify("\\frac{1}{2}", "<think>half</think> \\boxed{0.5}").Correct;
            double? format = await new FormatReward().ScoreAsync(new RewardInput("q", "<think>half</think> <answer>0.5</answer>", new Dictionary<string, System.Text.Json.JsonElement>()));
            Console.WriteLine($"{correct} {format}");
            """);
        return dir;
    }

    /// <summary>Runs dotnet with <paramref name="arguments"/> in <paramref name="workingDirectory"/>; returns its output, or fails with it.</summary>
    private static async Task<string> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The test host's MSBuild variables would point the child at the test run's MSBuild; the child finds its own.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(guard.Token);
        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}");
        return output;
    }
}
