namespace Jepa.Sweeps;

/// <summary>One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).</summary>
internal static class Csv
{
    public static string Field(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
