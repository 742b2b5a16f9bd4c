namespace Jepa.Video;

/// <summary>
/// One video of an index: what ffprobe and a test decode said about it, and the file's size and
/// modification time so a later <c>jepa index</c> can skip it when neither changed.
/// </summary>
/// <param name="Path">absolute path</param>
/// <param name="Status"><c>ok</c> or <c>bad</c></param>
/// <param name="Reason">why a bad video is bad, in a few words; empty when ok</param>
/// <param name="DurationS">seconds of video (0 when unknown)</param>
/// <param name="Fps">mean source frame rate</param>
/// <param name="Width">displayed width (rotation applied)</param>
/// <param name="Height">displayed height (rotation applied)</param>
/// <param name="Codec">ffprobe's codec name</param>
/// <param name="Frames">source frames (the container's count, or duration × fps)</param>
/// <param name="SizeBytes">file size when indexed</param>
/// <param name="MtimeUtc">last write time when indexed, as UTC ticks</param>
/// <param name="Label">label from the list it came from (manifest column or class folder)</param>
/// <param name="Split">split from the manifest it came from</param>
public sealed record IndexRow(
    string Path, string Status, string Reason, double DurationS, double Fps, int Width, int Height,
    string Codec, long Frames, long SizeBytes, long MtimeUtc, string? Label = null, string? Split = null)
{
    /// <summary>Status of a usable video.</summary>
    public const string Ok = "ok";

    /// <summary>Status of a video that cannot be used.</summary>
    public const string Bad = "bad";

    /// <summary>True when the video is usable.</summary>
    public bool IsOk => Status == Ok;

    /// <summary>A bad row for <paramref name="path"/> with what is known of the file.</summary>
    public static IndexRow Failed(string path, string reason, long sizeBytes, long mtimeUtc, string? label, string? split) =>
        new(path, Bad, reason, 0, 0, 0, 0, "", 0, sizeBytes, mtimeUtc, label, split);
}
