namespace R1Sharp.Text.Tokenization;

/// <summary>
/// A token matched verbatim in the text before BPE runs (tokenizer.json's <c>added_tokens</c>, or
/// tokenizer_config.json's <c>added_tokens_decoder</c>), such as <c>&lt;|im_start|&gt;</c> or <c>&lt;think&gt;</c>.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The exact text of the token.</param>
/// <param name="Special">Special tokens are dropped by <c>Decode(..., skipSpecialTokens: true)</c> and can be left unrecognised on request.</param>
/// <param name="LeftStrip">Whether the token absorbs the whitespace on its left (HF <c>lstrip</c>).</param>
/// <param name="RightStrip">Whether the token absorbs the whitespace on its right (HF <c>rstrip</c>).</param>
/// <param name="SingleWord">Whether the token only matches when not inside a word (HF <c>single_word</c>).</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool LeftStrip = false, bool RightStrip = false, bool SingleWord = false);
