using R1Sharp.IO;
using System.Text.Json;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// Writes a tokenizer definition as a Hugging Face <c>tokenizer.json</c> (the fast layout), e.g. to convert the
/// vocab.json + merges.txt layout, as transformers does when it first loads a slow tokenizer. Written to a temporary
/// file and renamed, so an existing file is never left half-written.
/// </summary>
internal static class TokenizerJsonWriter
{
    public static void Write(TokenizerDefinition definition, IEnumerable<AddedToken> addedTokens, string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            WriteRoot(json, definition, addedTokens);
        });
    }

    private static void WriteRoot(Utf8JsonWriter json, TokenizerDefinition definition, IEnumerable<AddedToken> addedTokens)
    {
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        json.WriteStartArray("added_tokens");
        foreach (var token in addedTokens.OrderBy(t => t.Id))
        {
            json.WriteStartObject();
            json.WriteNumber("id", token.Id);
            json.WriteString("content", token.Content);
            json.WriteBoolean("single_word", token.SingleWord);
            json.WriteBoolean("lstrip", token.LeftStrip);
            json.WriteBoolean("rstrip", token.RightStrip);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("special", token.Special);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WritePropertyName("normalizer");
        var forms = definition.Normalizer.Description == "none" ? [] : definition.Normalizer.Description.Split('+');
        if (forms.Length == 0)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStartObject();
            json.WriteString("type", "Sequence");
            json.WriteStartArray("normalizers");
            foreach (string form in forms)
            {
                json.WriteStartObject();
                json.WriteString("type", form);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        foreach (var split in definition.PreTokenizer.Splits)
        {
            json.WriteStartObject();
            json.WriteString("type", "Split");
            json.WriteStartObject("pattern");
            json.WriteString("Regex", split.Pattern);
            json.WriteEndObject();
            json.WriteString("behavior", "Isolated");
            json.WriteBoolean("invert", false);
            json.WriteEndObject();
        }
        json.WriteStartObject();
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", definition.PreTokenizer.AddPrefixSpace);
        json.WriteBoolean("trim_offsets", false);
        json.WriteBoolean("use_regex", false);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WritePropertyName("post_processor");
        if (definition.PostProcessorPrefix is { } prefix && addedTokens.FirstOrDefault(t => t.Content == prefix) is { } bos)
        {
            json.WriteStartObject();
            json.WriteString("type", "TemplateProcessing");
            json.WriteStartArray("single");
            json.WriteStartObject();
            json.WriteStartObject("SpecialToken");
            json.WriteString("id", prefix);
            json.WriteNumber("type_id", 0);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteStartObject("Sequence");
            json.WriteString("id", "A");
            json.WriteNumber("type_id", 0);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("pair");
            json.WriteEndArray();
            json.WriteStartObject("special_tokens");
            json.WriteStartObject(prefix);
            json.WriteString("id", prefix);
            json.WriteStartArray("ids");
            json.WriteNumberValue(bos.Id);
            json.WriteEndArray();
            json.WriteStartArray("tokens");
            json.WriteStringValue(prefix);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteStartObject("decoder");
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", false);
        json.WriteBoolean("use_regex", false);
        json.WriteEndObject();

        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteString("continuing_subword_prefix", "");
        json.WriteString("end_of_word_suffix", "");
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);
        json.WriteBoolean("ignore_merges", definition.IgnoreMerges);
        json.WriteStartObject("vocab");
        foreach (var (token, id) in definition.Vocabulary.OrderBy(p => p.Value)) json.WriteNumber(token, id);
        json.WriteEndObject();
        json.WriteStartArray("merges");
        foreach (string merge in definition.Merges) json.WriteStringValue(merge);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
