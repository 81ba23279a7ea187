namespace R1Sharp.Cli.Commands;

/// <summary>Parses enum-valued options case-insensitively, with an error that lists the accepted values.</summary>
internal static class CliEnums
{
    public static T Parse<T>(string value, string option) where T : struct, Enum =>
        Enum.TryParse<T>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"{option}: unknown value '{value}' (accepted: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))})");
}
