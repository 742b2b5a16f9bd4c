namespace Jepa.Video;

/// <summary>
/// Frames decoded from one video: <see cref="Rgb"/> holds [Count, Size, Size, 3] uint8, row-major.
/// The buffer may be longer than Count × Size × Size × 3 (it is the read buffer, not a copy);
/// only that prefix is frames.
/// </summary>
public sealed class DecodedFrames
{
    /// <summary>Frames actually decoded (fewer than asked for when the video ends or is truncated).</summary>
    public int Count { get; }

    /// <summary>Side in pixels of each square frame.</summary>
    public int Size { get; }

    /// <summary>Pixels, [Count, Size, Size, 3] uint8 RGB row-major, in the first <see cref="ByteLength"/> bytes.</summary>
    public byte[] Rgb { get; }

    /// <summary>Bytes of one frame: Size × Size × 3.</summary>
    public int FrameBytes => Size * Size * 3;

    /// <summary>Bytes holding frames: Count × FrameBytes.</summary>
    public int ByteLength => Count * FrameBytes;

    /// <summary>Wraps a buffer; <paramref name="count"/> frames of <paramref name="size"/>² RGB pixels must fit in it.</summary>
    public DecodedFrames(int count, int size, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if ((long)count * size * size * 3 > rgb.Length)
            throw new ArgumentException($"{count} frames of {size}x{size} RGB do not fit in {rgb.Length} bytes.", nameof(rgb));
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
