using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.Distillation;
using R1Sharp.IO;
using R1Sharp.RewardModels;
using R1Sharp.Rewards.Composition;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 filter`: rejection sampling over `r1 sample` output -> SFT-ready JSONL plus statistics of every drop.</summary>
internal static class FilterCommand
{
    public static Command Create()
    {
        var defaults = new RejectionSamplingOptions();
        var input = new Option<FileInfo>("--input") { Description = "Samples JSONL written by r1 sample.", Required = true };
        var output = new Option<FileInfo>("--output", "--out") { Description = "SFT data to write ('messages' JSONL); <output>.stats.json gets the statistics.", Required = true };
        var maxPerPrompt = new Option<int>("--max-per-prompt") { Description = "Keep at most m responses per prompt (0 = all).", DefaultValueFactory = _ => defaults.MaxPerPrompt };
        var keepIncorrect = new Option<bool>("--keep-incorrect") { Description = "Do not require the correctness reward (for data without gold answers)." };
        var correctness = new Option<string>("--correctness-reward") { Description = "Reward that decides correctness.", DefaultValueFactory = _ => defaults.CorrectnessReward };
        var threshold = new Option<double>("--correctness-threshold") { Description = "Lowest score that counts as correct.", DefaultValueFactory = _ => defaults.CorrectnessThreshold };
        var maxParagraph = new Option<int>("--max-paragraph-chars") { Description = "Longest reasoning paragraph in characters (0 = no limit).", DefaultValueFactory = _ => defaults.MaxParagraphCharacters };
        var foreign = new Option<double>("--max-foreign-letters") { Description = "Largest share of reasoning letters outside its main script.", DefaultValueFactory = _ => defaults.MaxForeignLetterShare };
        var script = new Option<string?>("--script") { Description = "Required main script of the reasoning: latin, cjk, cyrillic, ... (default: any)." };
        var allowCode = new Option<bool>("--allow-code-in-reasoning") { Description = "Keep responses with fenced code blocks in the reasoning." };
        var keepTruncated = new Option<bool>("--keep-truncated") { Description = "Keep responses cut at the token limit or without </think>." };
        var noDedup = new Option<bool>("--no-dedup") { Description = "Keep duplicate and near-duplicate responses." };
        var judge = new Option<string?>("--judge") { Description = "Judge rows with no verifiable answer with an LLM over an OpenAI-compatible endpoint: the options of the judge reward, e.g. \"url=http://localhost:8000/v1;model=NAME\" (docs/reward-models.md); failures are counted and dropped." };
        var jaccard = new Option<double>("--near-duplicate-jaccard") { Description = "Word 3-gram Jaccard similarity from which responses are near-duplicates.", DefaultValueFactory = _ => defaults.NearDuplicateJaccard };

        var command = new Command("filter", "Rejection sampling: keep correct, readable, unique responses (at most m per prompt) and write SFT data with drop statistics.")
        {
            input, output, maxPerPrompt, keepIncorrect, correctness, threshold, maxParagraph, foreign, script, allowCode, keepTruncated, noDedup, jaccard, judge,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            string? scriptName = parse.GetValue(script);
            var options = new RejectionSamplingOptions
            {
                RequireCorrect = !parse.GetValue(keepIncorrect),
                CorrectnessReward = parse.GetValue(correctness)!,
                CorrectnessThreshold = parse.GetValue(threshold),
                MaxParagraphCharacters = parse.GetValue(maxParagraph),
                MaxForeignLetterShare = parse.GetValue(foreign),
                RequiredScript = scriptName is null ? null : CliEnums.Parse<WritingSystem>(scriptName, "--script"),
                DropCodeInReasoning = !parse.GetValue(allowCode),
                DropTruncated = !parse.GetValue(keepTruncated),
                Deduplicate = !parse.GetValue(noDedup),
                NearDuplicateJaccard = parse.GetValue(jaccard),
                MaxPerPrompt = parse.GetValue(maxPerPrompt),
            };
            using var judgeReward = parse.GetValue(judge) is { } judgeOptions
                ? (JudgeReward)ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse($"judge({judgeOptions})"))
                : null;
            var statistics = await RejectionRun.RunAsync(parse.GetValue(input)!.FullName, parse.GetValue(output)!.FullName, options, judgeReward, cancellationToken).ConfigureAwait(false);
            ShowStatistics(statistics, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    internal static void ShowStatistics(RejectionStatistics statistics, TextWriter output)
    {
        var table = new Table().AddColumn("outcome").AddColumn(new TableColumn("responses").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        string Share(int n) => statistics.Responses == 0 ? "-" : $"{(double)n / statistics.Responses:P1}";
        table.AddRow("read", statistics.Responses.ToString(System.Globalization.CultureInfo.InvariantCulture), "");
        foreach (var (reason, count) in statistics.Dropped)
            table.AddRow($"dropped: {reason}", count.ToString(System.Globalization.CultureInfo.InvariantCulture), Share(count));
        table.AddRow("[bold]kept[/]", statistics.Kept.ToString(System.Globalization.CultureInfo.InvariantCulture), Share(statistics.Kept));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Write(table);
        console.WriteLine($"{statistics.PromptsKept} of {statistics.Prompts} prompts keep at least one response");
        if (statistics.Judged > 0)
            console.WriteLine($"judge: {statistics.Judged} responses without a verifiable answer judged, {statistics.JudgeFailures} judgements failed (dropped as of unknown correctness)");
    }
}
