using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Sft;

internal static class SftTestData
{
    /// <summary>Small arithmetic conversations with a system prompt; answers are learnable from the question.</summary>
    public static List<Conversation> Arithmetic(int count, int seed = 3)
    {
        var random = new Random(seed);
        var list = new List<Conversation>();
        for (int i = 0; i < count; i++)
        {
            int a = random.Next(10), b = random.Next(10);
            list.Add(new Conversation(
            [
                new ConversationTurn("system", "add"),
                new ConversationTurn("user", $"{a}+{b}"),
                new ConversationTurn("assistant", $"<think>{a}+{b}</think>{a + b}"),
            ], $"mem:{i + 1}"));
        }
        return list;
    }

    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "r1sft-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
