using System.Text.Json;
using R1Sharp.Testing;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Templates.Jinja;

namespace R1Sharp.Tests.Text.Templates;

/// <summary>
/// Every real chat template in shared/data/hf, rendered on several conversations, against the strings Python's jinja2
/// produced under transformers' settings (Fixtures/make_expected.py; outputs committed in chat_template_expected.json).
/// </summary>
public sealed class RealChatTemplateTests
{
    private static readonly Lazy<JsonDocument> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "chat_template_expected.json"))));

    public static TheoryData<int> RenderIndexes()
    {
        var data = new TheoryData<int>();
        int count = Fixture.Value.RootElement.GetProperty("renders").GetArrayLength();
        for (int i = 0; i < count; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(RenderIndexes))]
    public void RendersAsPythonJinja2Does(int index)
    {
        var root = Fixture.Value.RootElement;
        var render = root.GetProperty("renders")[index];
        string model = render.GetProperty("model").GetString()!;
        var conversation = root.GetProperty("cases").GetProperty(render.GetProperty("case").GetString()!);
        var template = ChatTemplate.Load(SharedData.Path("hf", model));
        var options = new ChatTemplateOptions
        {
            AddGenerationPrompt = render.GetProperty("add_generation_prompt").GetBoolean(),
            Tools = conversation.GetProperty("tools").ValueKind == JsonValueKind.Null ? null : conversation.GetProperty("tools"),
            Clock = new FixedClock(new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero)),
        };
        var messages = conversation.GetProperty("messages");
        if (render.TryGetProperty("error", out var error))
        {
            var thrown = Assert.Throws<TemplateException>(() => template.Render(messages, options));
            Assert.Contains("concatenate", error.GetString()!); // the only Python failure in the fixture
            Assert.Contains("unsupported operand", thrown.Message);
            return;
        }
        Assert.Equal(render.GetProperty("expected").GetString(), template.Render(messages, options));
    }
}
