using System.Text.Json;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Tasks;

/// <summary>
/// Finds the tokenizer of a model directory. Checkpoints of the built-in model (<c>r1 zero</c>) carry no
/// tokenizer.json: their tokenizer is the fixed <see cref="TaskTokenizer"/>, whose vocabulary is saved beside the
/// weights as <see cref="TaskTokenizer.VocabularyFileName"/> so a changed vocabulary cannot pass unnoticed. Every
/// other directory gets its Hugging Face tokenizer files.
/// </summary>
public static class ModelDirectoryTokenizer
{
    /// <summary>The tokenizer of <paramref name="modelDirectory"/>: the task tokenizer when the directory holds the built-in vocabulary file, else <see cref="HuggingFaceTokenizer.Load"/>.</summary>
    /// <exception cref="InvalidDataException">The built-in vocabulary file differs from <see cref="TaskTokenizer"/>'s (the message names the file).</exception>
    public static ITextTokenizer Load(string modelDirectory) =>
        IsBuiltIn(modelDirectory) ? LoadTaskTokenizer(modelDirectory) : HuggingFaceTokenizer.Load(modelDirectory);

    /// <summary>
    /// The chat template <paramref name="modelDirectory"/> is prompted with: the built-in <c>r1-zero</c> template for checkpoints of
    /// the built-in model (<c>r1 zero</c> trains under it and writes no template), else the directory's own (<see cref="ChatTemplate.Load"/>).
    /// </summary>
    public static ChatTemplate LoadTemplate(string modelDirectory) =>
        IsBuiltIn(modelDirectory) ? ChatTemplate.BuiltIn("r1-zero") : ChatTemplate.Load(modelDirectory);

    /// <summary>True when <paramref name="modelDirectory"/> is a checkpoint of the built-in model (it holds the task tokenizer's vocabulary file).</summary>
    public static bool IsBuiltIn(string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        return File.Exists(Path.Combine(modelDirectory, TaskTokenizer.VocabularyFileName));
    }

    /// <summary>
    /// The task tokenizer, after checking that the directory's saved vocabulary is <see cref="TaskTokenizer"/>'s: ids are
    /// positions in that list, so any difference would silently turn the model's tokens into other text. A vocabulary that
    /// goes on past the built-in one holds a variant's extra tokens (the tool-call phrases of <c>r1 zero --tools</c>,
    /// issue 20), read from the file and appended in its order, as <see cref="TaskTokenizer(IEnumerable{string})"/> did when
    /// the checkpoint was trained.
    /// </summary>
    /// <exception cref="FileNotFoundException">The vocabulary file is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">It is unreadable or differs (the message names the file and the first difference).</exception>
    public static TaskTokenizer LoadTaskTokenizer(string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        string path = Path.Combine(modelDirectory, TaskTokenizer.VocabularyFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: {modelDirectory} is not a checkpoint of the built-in model (r1 zero writes this file beside the weights)", path);
        string[] saved;
        try
        {
            saved = JsonSerializer.Deserialize<string[]>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path}: empty vocabulary");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a JSON list of token strings ({e.Message})", e);
        }
        var expected = new TaskTokenizer().Vocabulary;
        int common = Math.Min(saved.Length, expected.Count);
        for (int id = 0; id < common; id++)
        {
            if (!string.Equals(saved[id], expected[id], StringComparison.Ordinal))
                throw new InvalidDataException($"{path}: the vocabulary differs from the built-in task tokenizer's at id {id} " +
                    $"({JsonSerializer.Serialize(saved[id])} in the file, {JsonSerializer.Serialize(expected[id])} built in); the checkpoint was made by another version of r1");
        }
        if (saved.Length < expected.Count)
            throw new InvalidDataException($"{path}: the vocabulary has {saved.Length} tokens, the built-in task tokenizer {expected.Count}; the checkpoint was made by another version of r1");
        // Extra tokens (issue 20): appended as saved; each must be new and non-empty, or the ids would shift.
        var tokenizer = new TaskTokenizer(saved[expected.Count..]);
        for (int id = expected.Count; id < saved.Length; id++)
        {
            if (id >= tokenizer.VocabSize || !string.Equals(tokenizer.Vocabulary[id], saved[id], StringComparison.Ordinal))
                throw new InvalidDataException($"{path}: extra token {id} ({JsonSerializer.Serialize(saved[id])}) is empty or repeats an earlier token, so the ids after it would not be the trained ones");
        }
        return tokenizer;
    }

    /// <summary>
    /// Refuses a built-in checkpoint whose vocabulary file and embedding disagree: <c>r1 zero</c> sizes the embedding to the
    /// vocabulary exactly (config.json's <c>vocab_size</c>), so a different count means the files do not belong together.
    /// Hugging Face directories are not checked here (their embeddings are often padded past the tokenizer).
    /// </summary>
    /// <param name="modelDirectory">The checkpoint directory.</param>
    /// <param name="tokenizer">Its tokenizer, from <see cref="Load"/>.</param>
    /// <param name="vocabSize">The loaded model's <c>vocab_size</c> (rows of its embedding).</param>
    /// <exception cref="InvalidDataException">They differ (the message names both files and the field).</exception>
    public static void CheckFitsModel(string modelDirectory, ITextTokenizer tokenizer, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!IsBuiltIn(modelDirectory) || tokenizer.VocabSize == vocabSize) return;
        throw new InvalidDataException($"{Path.Combine(modelDirectory, "config.json")}: vocab_size {vocabSize} (the embedding's rows) does not match the " +
            $"{tokenizer.VocabSize} tokens of {Path.Combine(modelDirectory, TaskTokenizer.VocabularyFileName)}");
    }
}
