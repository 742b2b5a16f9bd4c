namespace Jepa.Training;

/// <summary>
/// The command line that continues a run, as printed after Ctrl+C, a failed checkpoint or a non-finite
/// stop: a user pastes it into a shell, so the run directory is quoted when it needs to be.
/// </summary>
public static class ResumeCommand
{
    /// <summary><c>jepa train --run-dir 'R' --resume auto</c>, then <paramref name="more"/> (already shell words).</summary>
    public static string For(string runDir, string? more = null) =>
        $"jepa train --run-dir {Quote(runDir)} --resume auto" + (more is null ? "" : " " + more);

    /// <summary>One shell word: as it is when it holds only safe characters, else quoted for the platform's shell.</summary>
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
