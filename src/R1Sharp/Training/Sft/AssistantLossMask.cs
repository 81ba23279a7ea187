using R1Sharp.Text;
using R1Sharp.Training.LanguageModeling;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Tokenizes a conversation and marks exactly the assistant tokens for the loss, from rendered text rather than
/// from template-specific token patterns, so it works with any chat template:
/// for each assistant turn i, the conversation before it is rendered with the generation prompt (the text the
/// model is given) and the conversation through it is rendered without; the characters between are the turn's
/// (its content and closing token, e.g. <c>&lt;|im_end|&gt;</c>, which the model must learn to emit). Character
/// boundaries become token boundaries by tokenizing the text up to each boundary; where a token straddles a
/// boundary (BPE merged across it) the token is counted as the assistant's so no assistant character goes untrained.
/// </summary>
public sealed class AssistantLossMask
{
    private readonly ITextTokenizer _tokenizer;
    private readonly IConversationRenderer _renderer;

    /// <summary>Creates the masker for one tokenizer and chat template.</summary>
    public AssistantLossMask(ITextTokenizer tokenizer, IConversationRenderer renderer)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
    }

    /// <summary>Tokenizes and masks one conversation.</summary>
    /// <exception cref="InvalidOperationException">The template renders a prefix that is not a prefix of the whole
    /// conversation (e.g. it rewrites earlier turns); the message names the row.</exception>
    public TokenizedSequence Tokenize(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var turns = conversation.Turns;
        string full = _renderer.Render(turns, addGenerationPrompt: false);
        var spans = new List<(int Start, int End)>();
        for (int i = 0; i < turns.Count; i++)
        {
            if (!turns[i].IsAssistant) continue;
            string before = _renderer.Render(Slice(turns, i), addGenerationPrompt: true);
            string through = _renderer.Render(Slice(turns, i + 1), addGenerationPrompt: false);
            if (!full.StartsWith(through, StringComparison.Ordinal) || !through.StartsWith(before, StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"{conversation.Location}: the chat template does not render conversation prefixes as prefixes of the whole " +
                    $"conversation (assistant turn {i}), so assistant tokens cannot be located. DeepSeek-R1 templates (which drop " +
                    "the reasoning of assistant turns and open <think> in the generation prompt) need the built-in 'deepseek-r1' training template.");
            // Templates that rewrite the reply (R1's drop everything before </think>) would silently train on
            // something else than the data: refuse rather than lose the reasoning.
            string rendered = through[before.Length..];
            if (!rendered.Contains(turns[i].Content.Trim(), StringComparison.Ordinal))
                throw new InvalidOperationException(
                    $"{conversation.Location}: the chat template does not reproduce assistant turn {i} as written (DeepSeek-R1 " +
                    "templates drop the reasoning before </think>). Train with a template that keeps it, e.g. the built-in " +
                    "'deepseek-r1' training template.");
            spans.Add((before.Length, through.Length));
        }

        // The BOS token is part of the prompt, never trained on. Templates that write it themselves (Llama 3, R1)
        // are tokenized without adding another, as transformers does after apply_chat_template.
        bool addBos = !(_tokenizer.BosId is int bos && full.StartsWith(_tokenizer.Decode([bos]), StringComparison.Ordinal));
        int[] ids = [.. _tokenizer.Encode(full, addSpecialTokens: addBos)];
        var trainable = new bool[ids.Length];
        foreach (var (start, end) in spans)
        {
            int first = TokenIndexAt(full, start, ids, addBos, roundUp: false);
            int last = TokenIndexAt(full, end, ids, addBos, roundUp: true);
            for (int t = first; t < last; t++) trainable[t] = true;
        }
        return new TokenizedSequence(ids, trainable, conversation.Location);
    }

    private static List<ConversationTurn> Slice(IReadOnlyList<ConversationTurn> turns, int count) => [.. turns.Take(count)];

    /// <summary>Index of the first token that starts at or after character <paramref name="position"/>, found as
    /// the common prefix of the text's tokenization up to that character and the full tokenization.</summary>
    /// <param name="full">The rendered conversation.</param>
    /// <param name="position">Character offset of the boundary.</param>
    /// <param name="fullIds">Tokenization of <paramref name="full"/>.</param>
    /// <param name="addBos">Whether the tokenizer adds BOS (as for the full text).</param>
    /// <param name="roundUp">When a token straddles the position: true counts it as before the boundary (end of a
    /// span), false as after it (start of a span). Both choices put the straddling token inside the span.</param>
    private int TokenIndexAt(string full, int position, int[] fullIds, bool addBos, bool roundUp)
    {
        if (position >= full.Length) return fullIds.Length;
        var prefix = _tokenizer.Encode(full[..position], addSpecialTokens: addBos);
        int common = 0;
        while (common < prefix.Count && common < fullIds.Length && prefix[common] == fullIds[common]) common++;
        if (common == prefix.Count) return common; // clean boundary
        return roundUp ? Math.Min(common + 1, fullIds.Length) : common;
    }
}
