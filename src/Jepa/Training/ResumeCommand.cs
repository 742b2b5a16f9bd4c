using Jepa.Data;

namespace Jepa.Training;

/// <summary>
/// The command line that continues a run, as printed after Ctrl+C, a failed checkpoint or a non-finite
/// stop: a user pastes it into a shell, so the run directory is quoted when it needs to be.
/// </summary>
public static class ResumeCommand
{
    /// <summary><c>jepa train --run-dir 'R' --resume auto</c>, then <paramref name="more"/> (already shell words).</summary>
    public static string For(string runDir, string? more = null) =>
        $"jepa train --run-dir {ShellQuote.Quote(runDir)} --resume auto" + (more is null ? "" : " " + more);
}
