using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jepa.Video.Prepare;

/// <summary>One output file of a prepared source: a segment starting <see cref="StartS"/> seconds into the source.</summary>
public sealed record PreparedSegment(
    string File, double StartS, double DurationS, double Fps, int Width, int Height, long Frames, long SizeBytes);

/// <summary>
/// The record <c>prepared.json</c> that completes a prepared source's folder: which source (its size and
/// modification time), made with which settings, into which segments. It is written last, inside a
/// folder with a temporary name that is then renamed into place, so a folder under its final name
/// with a record that reads back and matches is finished; anything else is made again.
/// </summary>
public sealed record PreparedSource(
    string Source, long SourceSize, long SourceMtimeUtc, string Settings,
    double SourceDurationS, double SourceFps, int SourceWidth, int SourceHeight, string SourceCodec,
    IReadOnlyList<PreparedSegment> Segments)
{
    /// <summary>Name of the record inside a prepared source's folder.</summary>
    public const string FileName = "prepared.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes the record into <paramref name="folder"/> and flushes it to disk.</summary>
    public void Write(string folder)
    {
        var path = Path.Combine(folder, FileName);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        JsonSerializer.Serialize(stream, this, Json);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The record in <paramref name="folder"/>, or null when it is missing or does not read back.</summary>
    public static PreparedSource? TryRead(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            if (!System.IO.File.Exists(path))
                return null;
            var record = JsonSerializer.Deserialize<PreparedSource>(System.IO.File.ReadAllBytes(path), Json);
            return record is { Segments.Count: > 0 } ? record : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when this record describes <paramref name="source"/> as it is now (same size and modification
    /// time), made with <paramref name="settings"/>, and every segment it names is in <paramref name="folder"/>
    /// at the size it had when it was made.
    /// </summary>
    public bool Matches(string folder, string source, long size, long mtime, string settings) =>
        Source == source && SourceSize == size && SourceMtimeUtc == mtime && Settings == settings
        && Segments.All(s => Path.GetFileName(s.File) == s.File && new FileInfo(Path.Combine(folder, s.File)) is { Exists: true } f && f.Length == s.SizeBytes);
}
