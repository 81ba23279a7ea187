namespace R1Sharp.Checkpoints;

/// <summary>
/// The tokenizer and chat-template files of a Hugging Face model directory: what a checkpoint needs beside its
/// config and weights to be loaded by transformers, vLLM or r1. One list for every command that writes a model.
/// </summary>
public static class TokenizerFiles
{
    /// <summary>The file names, those of fast and slow (vocab + merges) tokenizers alike.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json", "chat_template.jinja"];

    /// <summary>Copies those of <see cref="Names"/> that exist in <paramref name="from"/> into <paramref name="to"/>.</summary>
    /// <param name="from">The source model directory.</param>
    /// <param name="to">The checkpoint directory (must exist).</param>
    /// <returns>How many files were copied.</returns>
    public static int Copy(string from, string to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        int copied = 0;
        foreach (string name in Names)
        {
            string source = Path.Combine(from, name);
            if (!File.Exists(source)) continue;
            File.Copy(source, Path.Combine(to, name), overwrite: true);
            copied++;
        }
        return copied;
    }
}
