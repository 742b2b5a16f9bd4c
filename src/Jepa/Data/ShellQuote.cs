namespace Jepa.Data;

/// <summary>Quotes one word for the platform's shell, so a printed command (a resume hint, an ffmpeg line) can be pasted back as it is.</summary>
public static class ShellQuote
{
    /// <summary>The word as it is when it holds only characters no shell treats specially, else quoted.</summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '+' or '=' or ','))
            return word;
        // PowerShell and cmd both take double quotes; a POSIX shell expands nothing inside single quotes.
        return OperatingSystem.IsWindows()
            ? "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
