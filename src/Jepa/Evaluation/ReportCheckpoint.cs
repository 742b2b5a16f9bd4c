using System.Text.Json.Serialization;

namespace Jepa.Evaluation;

/// <summary>
/// The checkpoint a report.json describes: <c>{"checkpoint":{"path":…,"step":…,"sha256":…}}</c>.
/// Sections of two checkpoints in one report would be read as one model's results, so a report
/// takes sections only from the checkpoint it names (<see cref="ReportWriter.CheckTarget"/>).
/// </summary>
/// <param name="Path">Absolute path the checkpoint was read from.</param>
/// <param name="Step">Its training step.</param>
/// <param name="Sha256">The SHA-256 a checkpoint file ends with (hex): the same weights under any name.</param>
public sealed record ReportCheckpoint(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("sha256")] string Sha256)
{
    // Checkpoint files end with a SHA-256 of everything before it (Training/Checkpoint.cs), so the
    // identity of a file of any size is its last 32 bytes, read without hashing it again.
    private const int HashBytes = 32;

    /// <summary>The identity of the (already verified) checkpoint at <paramref name="checkpointPath"/>.</summary>
    public static ReportCheckpoint Of(string checkpointPath, long step)
    {
        var full = System.IO.Path.GetFullPath(checkpointPath);
        using var stream = File.OpenRead(full);
        var hash = new byte[HashBytes];
        stream.Position = stream.Length - HashBytes;
        stream.ReadExactly(hash);
        return new ReportCheckpoint(full, step, Convert.ToHexStringLower(hash));
    }

    /// <summary>True when both name the same checkpoint contents, wherever the files are.</summary>
    public bool SameAs(ReportCheckpoint other) => string.Equals(Sha256, other.Sha256, StringComparison.OrdinalIgnoreCase);
}
