namespace Jepa.Video;

/// <summary>
/// What ffprobe says about a video's first (non-cover-art) video stream.
/// Width and Height are as displayed: swapped for videos rotated by ±90° (phone videos).
/// Frames is the container's count when it has one, otherwise round(duration × fps).
/// </summary>
public sealed record VideoInfo(string Path, double DurationS, double Fps, int Width, int Height, string Codec, long Frames);
