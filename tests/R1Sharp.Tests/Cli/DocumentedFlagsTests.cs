using System.CommandLine;
using System.Text.RegularExpressions;
using R1Sharp.Cli;

namespace R1Sharp.Tests.Cli;

/// <summary>
/// Every flag that README.md or docs/*.md show for an `r1` command exists in that command's definition (issue 21 #9:
/// docs named `--max-choices` and `--max-request-bytes`, which `r1 serve --help` lacked). A flag counts as shown for
/// a command when it follows `r1 COMMAND` in a code block line (with `\` continuations) or in one inline code span,
/// or starts a table row under a heading that names that one command.
/// </summary>
public sealed partial class DocumentedFlagsTests
{
    [Fact]
    public void EveryDocumentedFlagExistsInItsCommand()
    {
        var root = CliApp.BuildRoot();
        var commands = root.Subcommands.ToDictionary(c => c.Name);
        var mentions = DocumentFiles().SelectMany(file => Mentions(file, commands.Keys)).ToList();
        Assert.True(mentions.Count > 50, $"only {mentions.Count} flag mentions found: the parser no longer reads the docs");
        Assert.Contains(mentions, m => m.Command == "serve" && m.Flag == "--max-request-bytes");

        var missing = mentions
            .Where(m => !Names(commands[m.Command]).Contains(m.Flag))
            .Select(m => $"{m.Where}: r1 {m.Command} has no {m.Flag}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "documented flags that do not exist:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void DocsSayOutputNotItsAlias()
    {
        var outs = DocumentFiles()
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (line, where: $"{Path.GetFileName(file)}:{i + 1}")))
            .Where(x => OutAlias().IsMatch(x.line) && !x.line.Contains("alias", StringComparison.Ordinal))
            .Select(x => x.where)
            .ToList();
        Assert.True(outs.Count == 0, "docs use --out (an alias); write --output:\n" + string.Join("\n", outs));
    }

    [Fact]
    public void EveryServeOptionHasAFlag()
    {
        var serve = CliApp.BuildRoot().Subcommands.Single(c => c.Name == "serve");
        var names = Names(serve);
        // ServeOptions property -> flag; ModelName is --name, ApiKey comes from --api-key-env / --api-key-file.
        var flags = new Dictionary<string, string>
        {
            ["Host"] = "--host",
            ["Port"] = "--port",
            ["ModelName"] = "--name",
            ["ApiKey"] = "--api-key-file",
            ["MaxRequestBytes"] = "--max-request-bytes",
            ["MaxTokensLimit"] = "--max-tokens-limit",
            ["DefaultMaxTokens"] = "--default-max-tokens",
            ["MaxChoices"] = "--max-choices",
            ["MaxBatch"] = "--max-batch",
            ["MaxQueue"] = "--max-queue",
            ["ContextLength"] = "--context-length",
            ["ShutdownGrace"] = "--shutdown-grace",
        };
        var properties = typeof(R1Sharp.Serving.ServeOptions).GetProperties().Select(p => p.Name).ToList();
        Assert.Equal(properties.Order(), flags.Keys.Order());
        Assert.All(flags.Values, flag => Assert.Contains(flag, names));
    }

    private static HashSet<string> Names(Command command) =>
        command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();

    private static IEnumerable<string> DocumentFiles()
    {
        string root = RepositoryRoot();
        return Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")).Order();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "R1Sharp.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no R1Sharp.slnx above {AppContext.BaseDirectory}");
    }

    private sealed record Mention(string Where, string Command, string Flag);

    private static IEnumerable<Mention> Mentions(string file, IReadOnlyCollection<string> commands)
    {
        string name = Path.GetFileName(file);
        var lines = File.ReadAllLines(file);
        var headings = new SortedDictionary<int, string?>();
        bool inCode = false;
        string? continued = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string where = $"{name}:{i + 1}";
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continued = null;
                continue;
            }
            if (inCode)
            {
                string? command = continued;
                string text = line;
                var start = CommandAt().Match(line);
                if (start.Success && commands.Contains(start.Groups[1].Value))
                {
                    command = start.Groups[1].Value;
                    text = line[(start.Index + start.Length)..];
                }
                if (command is not null)
                    foreach (string flag in Flags(ShellCommandPart(text)))
                        yield return new Mention(where, command, flag);
                continued = command is not null && line.TrimEnd().EndsWith('\\') ? command : null;
                continue;
            }
            var heading = Heading().Match(line);
            if (heading.Success)
            {
                int level = heading.Groups[1].Length;
                foreach (int deeper in headings.Keys.Where(k => k >= level).ToList()) headings.Remove(deeper);
                var named = CommandAt().Matches(line).Select(m => m.Groups[1].Value).Where(commands.Contains).Distinct().ToList();
                headings[level] = named.Count == 1 ? named[0] : named.Count > 1 ? "" : null;
                continue;
            }
            foreach (Match span in InlineCode().Matches(line))
            {
                var start = CommandAt().Match(span.Groups[1].Value);
                if (start.Success && start.Index == 0 && commands.Contains(start.Groups[1].Value))
                    foreach (string flag in Flags(span.Groups[1].Value))
                        yield return new Mention(where, start.Groups[1].Value, flag);
            }
            var row = TableFlagRow().Match(line);
            string? section = headings.Values.LastOrDefault(v => v is not null);
            if (row.Success && !string.IsNullOrEmpty(section))
                foreach (string flag in Flags(row.Groups[1].Value))
                    yield return new Mention(where, section, flag);
        }
    }

    /// <summary>The part of a shell line that belongs to the r1 command: up to a pipe, `&amp;&amp;`, `;` or comment.</summary>
    private static string ShellCommandPart(string text)
    {
        int end = text.Length;
        foreach (string stop in (ReadOnlySpan<string>)["|", "&&", ";", " #", " &"])
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && at < end) end = at;
        }
        return text[..end];
    }

    private static IEnumerable<string> Flags(string text) => FlagPattern().Matches(text).Select(m => m.Value);

    [GeneratedRegex(@"(?<![\w./-])r1 ([a-z][a-z-]*)")]
    private static partial Regex CommandAt();

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex FlagPattern();

    [GeneratedRegex(@"^(#{1,6})\s")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^\|\s*(`--[^|]*)\|")]
    private static partial Regex TableFlagRow();

    [GeneratedRegex(@"(?<![\w-])--out(?![\w-])")]
    private static partial Regex OutAlias();
}
