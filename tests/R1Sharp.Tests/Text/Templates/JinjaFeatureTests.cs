using System.Text.Json;
using R1Sharp.Text.Templates.Jinja;

namespace R1Sharp.Tests.Text.Templates;

/// <summary>
/// One small template per construct (loops, set/namespace, filters, tests, string methods, slicing, whitespace
/// control, macros, loop controls, literals and Python printing), against Python jinja2's output
/// (Fixtures/make_feature_expected.py, committed as jinja_features_expected.json).
/// </summary>
public sealed class JinjaFeatureTests
{
    private static readonly Lazy<JsonDocument> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "jinja_features_expected.json"))));

    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Fixture.Value.RootElement.GetProperty("renders").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void RendersAsPythonJinja2Does(int index)
    {
        var root = Fixture.Value.RootElement;
        var render = root.GetProperty("renders")[index];
        var variables = root.GetProperty("variables").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        var template = JinjaTemplate.Parse(render.GetProperty("template").GetString()!);
        Assert.Equal(render.GetProperty("expected").GetString(), template.Render(variables));
    }

    [Theory]
    [InlineData("line one\n{% for x in y %}\n{% include 'x' %}{% endfor %}", 3, 4, "include")]
    [InlineData("{{ x | frobnicate }}", 1, 6, "frobnicate")]
    [InlineData("ok\n  {{ x is weird }}", 2, 8, "weird")]
    [InlineData("{% if x %}never closed", 1, 23, "endif")]
    [InlineData("{{ 'unterminated }}", 1, 1, "never closed")]
    [InlineData("a\nb {{ x $ y }}", 2, 8, "unexpected character")]
    public void UnsupportedOrBadConstructsNameTheirPosition(string source, int line, int column, string what)
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(source).Render(new Dictionary<string, object?> { ["x"] = 1, ["y"] = new[] { 1 } }));
        Assert.Equal(new SourcePosition(line, column), error.Position);
        Assert.Contains(what, error.Message);
    }

    [Fact]
    public void RaiseExceptionStopsRenderingWithTheTemplatesMessage()
    {
        var template = JinjaTemplate.Parse("{% if x %}{{ raise_exception('Only user and assistant roles!') }}{% endif %}");
        var error = Assert.Throws<TemplateException>(() => template.Render(new Dictionary<string, object?> { ["x"] = true }));
        Assert.Contains("Only user and assistant roles!", error.Message);
        Assert.Equal(new SourcePosition(1, 14), error.Position); // where the call starts
    }

    [Fact]
    public void ReadingAnAttributeOfAnUndefinedValueFails()
    {
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse("{{ missing.attr }}").Render(new Dictionary<string, object?>()));
        Assert.Contains("'missing' is undefined", error.Message);
    }

    [Fact]
    public void TemplatesCannotModifyTheirInput()
    {
        var messages = new List<object?> { "a" };
        var error = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse("{{ m.append('b') }}").Render(new Dictionary<string, object?> { ["m"] = messages }));
        Assert.Contains("immutable", error.Message);
    }
}
