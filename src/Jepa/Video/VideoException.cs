namespace Jepa.Video;

/// <summary>
/// A video that cannot be probed or decoded: missing, empty, no video stream, undecodable, or a
/// decoder that hung. <see cref="Reason"/> is short (e.g. <c>empty file</c>, <c>no video stream</c>,
/// <c>cannot decode: …</c>, <c>not found</c>, <c>timed out</c>) so an index can list it per file.
/// </summary>
public sealed class VideoException(string path, string reason, Exception? inner = null)
    : Exception($"Cannot read video {path}: {reason}.", inner)
{
    /// <summary>The video file the failure is about.</summary>
    public string Path { get; } = path;

    /// <summary>Why it failed, in a few words.</summary>
    public string Reason { get; } = reason;

    /// <summary>Throws the cheap, common failures (missing, empty) before any process is started.</summary>
    internal static void ThrowIfMissingOrEmpty(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new VideoException(path, "not found");
        if (file.Length == 0)
            throw new VideoException(path, "empty file");
    }
}
