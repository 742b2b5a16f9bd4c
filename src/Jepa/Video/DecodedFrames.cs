using System.Diagnostics.CodeAnalysis;

namespace Jepa.Video;

/// <summary>
/// Frames decoded from one video: <see cref="Rgb"/> holds exactly [Count, Size, Size, 3] uint8,
/// row-major, so it can be wrapped as a tensor of that shape without copying.
/// </summary>
public sealed class DecodedFrames
{
    /// <summary>Frames actually decoded (fewer than asked for when the video ends or is truncated).</summary>
    public required int Count { get; init; }

    /// <summary>Side in pixels of each square frame.</summary>
    public required int Size { get; init; }

    /// <summary>Pixels, [Count, Size, Size, 3] uint8 RGB row-major; length Count × Size × Size × 3.</summary>
    public required byte[] Rgb { get; init; }

    /// <summary>Bytes of one frame: Size × Size × 3.</summary>
    public int FrameBytes => Size * Size * 3;

    /// <summary>Creates an empty instance for object-initializer use (all members are required).</summary>
    public DecodedFrames()
    {
    }

    /// <summary>Wraps <paramref name="rgb"/>, which must hold exactly <paramref name="count"/> frames of <paramref name="size"/>² RGB pixels.</summary>
    [SetsRequiredMembers]
    public DecodedFrames(int count, int size, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if ((long)count * size * size * 3 != rgb.Length)
            throw new ArgumentException($"{count} frames of {size}x{size} RGB need {count * size * size * 3} bytes, not {rgb.Length}.", nameof(rgb));
        Count = count;
        Size = size;
        Rgb = rgb;
    }

    /// <summary>Frame <paramref name="index"/> as [Size, Size, 3] bytes.</summary>
    public ReadOnlySpan<byte> Frame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Rgb.AsSpan(index * FrameBytes, FrameBytes);
    }
}
