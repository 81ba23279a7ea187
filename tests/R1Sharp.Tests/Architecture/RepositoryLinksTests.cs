using System.Text.RegularExpressions;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Architecture;

/// <summary>
/// Issue 21 #10: documentation must not point outside the repository or at files that do not exist (the verifier
/// policy once lived in ../../shared). Checks README.md and docs/*.md links and the docs/*.md files named in src.
/// </summary>
public sealed partial class RepositoryLinksTests
{
    private static string Root => SharedData.RepositoryRoot;

    [Fact]
    public void EveryRelativeMarkdownLinkPointsToAFileInTheRepository()
    {
        var pages = new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")).ToList();
        var broken = new List<string>();
        int checkedLinks = 0;
        foreach (string page in pages)
            foreach (string target in RelativeLinks(File.ReadAllText(page)))
            {
                checkedLinks++;
                string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(target)));
                bool inside = path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (!inside || !(File.Exists(path) || Directory.Exists(path)))
                    broken.Add($"{Path.GetRelativePath(Root, page)}: ({target}){(inside ? "" : " points outside the repository")}");
            }
        Assert.True(checkedLinks > 10, $"only {checkedLinks} links found: is the link pattern still right?");
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void EveryDocsPageNamedInTheSourcesExists()
    {
        var missing = new List<string>();
        int named = 0;
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            foreach (Match match in DocsPage().Matches(File.ReadAllText(file)))
            {
                named++;
                if (!File.Exists(Path.Combine(Root, match.Value)))
                    missing.Add($"{Path.GetRelativePath(Root, file)}: {match.Value}");
            }
        Assert.True(named > 0, "no docs/*.md named in src: is the pattern still right?");
        Assert.True(missing.Count == 0, "pages that do not exist:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void TheLinkReaderSkipsCodeAndExternalLinks()
    {
        string text = "See [a](docs/a.md#part) and [b](https://x.org/b.md), [c](#anchor), `[d](d.md)`.\n```\n[e](e.md)\n```\n![f](img/f.png \"title\")";
        Assert.Equal(["docs/a.md", "img/f.png"], RelativeLinks(text));
    }

    /// <summary>Targets of inline links and images outside code, without anchors or titles; external and in-page links left out.</summary>
    private static List<string> RelativeLinks(string markdown)
    {
        string prose = InlineCode().Replace(FencedCode().Replace(markdown, ""), "");
        return Link().Matches(prose)
            .Select(m => m.Groups["target"].Value)
            .Where(t => !t.StartsWith('#') && !UriScheme().IsMatch(t))
            .Select(t => t.Split('#')[0])
            .ToList();
    }

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^(```|~~~).*?^\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\bdocs/[A-Za-z0-9_./-]+?\.md\b")]
    private static partial Regex DocsPage();
}
