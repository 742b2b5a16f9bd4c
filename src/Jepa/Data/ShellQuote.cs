namespace Jepa.Data;

/// <summary>Quotes one argument for a POSIX shell, so a printed command can be pasted back as it is.</summary>
internal static class ShellQuote
{
    public static string Quote(string a) =>
        a.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or ',' or ';') ? $"'{a.Replace("'", "'\\''")}'" : a;
}
