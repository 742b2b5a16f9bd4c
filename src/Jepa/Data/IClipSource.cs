namespace Jepa.Data;

/// <summary>
/// Where a <see cref="BatchLoader"/> gets the frames of one clip: decoded videos in memory, or an
/// ffmpeg run per clip for corpora that do not fit. Implementations are safe to call from several
/// decode workers at once.
/// </summary>
public interface IClipSource
{
    /// <summary>Frames of each video at the training fps, in video order; what <see cref="ClipSampler"/> samples from.</summary>
    IReadOnlyList<int> FrameCounts { get; }

    /// <summary>The file of video <paramref name="index"/> (indices as in <see cref="FrameCounts"/>).</summary>
    string PathOf(int index);

    /// <summary>Side in pixels of the square frames.</summary>
    int Size { get; }

    /// <summary>
    /// Writes <paramref name="frames"/> frames of <paramref name="clip"/> into <paramref name="destination"/>
    /// ([frames, Size, Size, 3] uint8) and returns the clip actually used: another video's when the
    /// sampled one turned out to be bad (chosen deterministically, so a rerun sees the same clips).
    /// </summary>
    Task<ClipRef> FillAsync(ClipRef clip, int frames, Memory<byte> destination, CancellationToken ct);
}
