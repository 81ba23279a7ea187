namespace R1Sharp.Text.Templates.Jinja;

/// <summary>What a piece of template source is.</summary>
internal enum SegmentKind
{
    Text,
    Expression,
    Statement,
}

/// <summary>
/// One piece of template source after whitespace control: literal text, the inside of <c>{{ }}</c>, or the inside of
/// <c>{% %}</c>. Comments are dropped by the splitter.
/// </summary>
/// <param name="Kind">Text, expression or statement.</param>
/// <param name="Content">The text, or the tag's inner source.</param>
/// <param name="Offset">Where <paramref name="Content"/> starts in the template source.</param>
internal sealed record TemplateSegment(SegmentKind Kind, string Content, int Offset);
