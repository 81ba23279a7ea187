using System.Text;
using R1Sharp.Generation;
using R1Sharp.Text;

namespace R1Sharp.Serving.Http;

/// <summary>Response bodies in the OpenAI wire format (snake_case names as the API spells them).</summary>
internal static class OpenAiResponses
{
    public static string FinishName(FinishReason? reason) => reason switch
    {
        FinishReason.Length => "length",
        null => "",
        _ => "stop",
    };

    public static object? LogProbs(ITextTokenizer tokenizer, ChoiceDecoder decoder, bool wanted)
    {
        if (!wanted) return null;
        var content = decoder.Tokens.Select((token, i) =>
        {
            string text = ChoiceDecoder.DecodeText(tokenizer, [token]);
            return new { token = text, logprob = decoder.LogProbs[i], bytes = Encoding.UTF8.GetBytes(text), top_logprobs = Array.Empty<object>() };
        }).ToArray();
        return new { content };
    }

    public static object Usage(int prompt, int completion) =>
        new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };

    public static object Error(string message, string type, string? param, string? code = null) =>
        new { error = new { message, type, param, code } };
}
