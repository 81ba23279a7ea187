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
    public void AnExtraTokenIsRefusedNamingTheFile()
    {
        WriteVocabulary([.. new TaskTokenizer().Vocabulary, "extra"]);
        var error = Assert.Throws<InvalidDataException>(() => ModelDirectoryTokenizer.LoadTaskTokenizer(_dir.Path));
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
