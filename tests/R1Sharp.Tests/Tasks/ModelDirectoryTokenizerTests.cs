using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Tasks;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Tasks;

public sealed class ModelDirectoryTokenizerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string VocabularyPath => _dir.Combine(BuiltInModel.VocabularyFileName);

    private void WriteVocabulary(IEnumerable<string> tokens) => File.WriteAllText(VocabularyPath, JsonSerializer.Serialize(tokens));

    [Fact]
    public void ABuiltInCheckpointGetsTheTaskTokenizer()
    {
        WriteVocabulary(new TaskTokenizer().Vocabulary);
        Assert.True(ModelDirectoryTokenizer.IsBuiltIn(_dir.Path));
        Assert.IsType<TaskTokenizer>(ModelDirectoryTokenizer.Load(_dir.Path));
    }

    [Fact]
    public void AChangedTokenIsRefusedNamingTheFileAndTheId()
    {
        var tokens = new TaskTokenizer().Vocabulary.ToArray();
        tokens[5] = "changed";
        WriteVocabulary(tokens);
        var error = Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.Load(_dir.Path));
        Assert.Contains(VocabularyPath, error.Message);
        Assert.Contains("id 5", error.Message);
    }

    [Fact]
    public void ExtraTokensAfterTheBuiltInOnesAreReadFromTheFile()
    {
        // r1 zero --tools (issue 20) appends its call phrases after the built-in vocabulary.
        var trained = ZeroToolCallsTokenizer();
        WriteVocabulary(trained.Vocabulary);
        var loaded = ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path);
        Assert.Equal(trained.Vocabulary, loaded.Vocabulary);
        string call = "<tool_call>{\"name\": \"calculator\", \"arguments\": {\"expression\": \"";
        Assert.Equal([trained.VocabSize - 9], loaded.Encode(call)); // one phrase token, at the id it was trained with
        Assert.True(loaded.VocabSize > new TaskTokenizer().VocabSize);
    }

    private static TaskTokenizer ZeroToolCallsTokenizer() => R1Sharp.Training.Zero.Tools.ZeroToolCalls.CreateTokenizer();

    [Fact]
    public void ARepeatedOrEmptyExtraTokenIsRefusedNamingTheFileAndTheId()
    {
        var builtIn = new TaskTokenizer().Vocabulary;
        WriteVocabulary([.. builtIn, "Compute "]); // already a built-in phrase: the ids after it would shift
        var error = Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path));
        Assert.Contains(VocabularyPath, error.Message);
        Assert.Contains($"extra token {builtIn.Count}", error.Message);

        WriteVocabulary([.. builtIn, "", "x y"]);
        Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path));
        WriteVocabulary(builtIn.Take(builtIn.Count - 1));
        Assert.Contains("tokens, the built-in task tokenizer", Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path)).Message);
    }

    [Fact]
    public void AVocabularyThatDoesNotMatchTheEmbeddingIsRefusedNamingTheFileAndTheField()
    {
        var tokenizer = ZeroToolCallsTokenizer();
        WriteVocabulary(tokenizer.Vocabulary);
        ModelDirectoryTokenizer.CheckFitsModel(_dir.Path, tokenizer, tokenizer.VocabSize);
        var error = Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.CheckFitsModel(_dir.Path, tokenizer, tokenizer.VocabSize - 9));
        Assert.Contains(_dir.Combine("config.json"), error.Message);
        Assert.Contains($"vocab_size {tokenizer.VocabSize - 9}", error.Message);
        Assert.Contains(VocabularyPath, error.Message);
    }

    [Fact]
    public void AMissingOrMalformedVocabularyIsNamed()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path));
        Assert.Contains(VocabularyPath, missing.Message);
        File.WriteAllText(VocabularyPath, "{not json");
        var malformed = Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path));
        Assert.Contains(VocabularyPath, malformed.Message);
    }

    [Fact]
    public void OtherDirectoriesGetTheirHuggingFaceTokenizer()
    {
        Assert.False(ModelDirectoryTokenizer.IsBuiltIn(_dir.Path));
        // No tokenizer files at all: the Hugging Face loader's own error, not the built-in one's.
        var error = Assert.Throws<FileNotFoundException>(() => ModelDirectoryTokenizer.Load(_dir.Path));
        Assert.Contains("tokenizer.json", error.Message);
    }
}
