using System.Globalization;
using Jepa.Config;

namespace Jepa.Video.Prepare;

/// <summary>
/// What <c>jepa prepare</c> makes of every source, and how it checks them. The first six fields
/// decide the output files: a prepared video made with other values is made again.
/// </summary>
/// <param name="Fps">output frame rate: the training rate, <c>data.fps</c></param>
/// <param name="ShortSide">output short side in pixels (even); a source smaller than this keeps its size</param>
/// <param name="Gop">frames from one keyframe to the next (every frame of a GOP but the first is a P-frame)</param>
/// <param name="SegmentSeconds">longest output file; a longer source is cut into equal segments at keyframes</param>
/// <param name="Crf">libx264 constant rate factor (lower: better and larger)</param>
/// <param name="Preset">libx264 speed preset</param>
/// <param name="Check">how sources are checked before they are transcoded (as <c>jepa index</c> checks them)</param>
/// <param name="EncoderThreads">threads of each ffmpeg (decoder, filters, x264)</param>
/// <param name="StallTimeout">an ffmpeg that reports no progress this long is presumed hung and killed</param>
public sealed record PrepareSettings(
    double Fps, int ShortSide, int Gop, double SegmentSeconds, int Crf, string Preset,
    IndexOptions Check, int EncoderThreads, TimeSpan StallTimeout)
{
    /// <summary>Raised when what a prepared file holds changes, so older outputs are made again.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// The output short side for <paramref name="size"/>: the size itself, rounded up to even (224 → 224,
    /// 63 → 64). The loader scales the short side to <c>data.size</c> and crops the centre square before its
    /// random crops (those resample the square on the device), so a larger side buys nothing: at 224 the
    /// loader's scale is a no-op and ffmpeg only decodes, where from 256 px (the "resize to 256, crop 224"
    /// of ImageNet, this default until 2026-11-30) it scaled every frame, ~0.4 ms of ~1.5 ms.
    /// </summary>
    public static int ShortSideFor(int size) => size + size % 2;

    /// <summary>
    /// The settings for a training config: its fps, its size as the short side, a keyframe
    /// every clip (<c>data.frames</c> frames), segments of at most <paramref name="segmentSeconds"/>
    /// (raised to four clips when clips are longer than a quarter of it), and <paramref name="workers"/>
    /// sources at once, the cores shared among them.
    /// </summary>
    public static PrepareSettings For(DataConfig data, int workers, int? shortSide = null, double segmentSeconds = 60, int crf = 20, string preset = "veryfast")
    {
        double clipSeconds = data.Frames / data.Fps;
        int side = shortSide ?? ShortSideFor(data.Size);
        if (side < 2 || side % 2 != 0)
            throw new UsageException($"--short-side must be an even number of pixels of at least 2, got {side}.");
        if (side < data.Size)
            throw new UsageException($"--short-side {side} is smaller than data.size {data.Size}; training would scale the prepared videos up. Give at least {data.Size}.");
        if (!(segmentSeconds > 0))
            throw new UsageException($"--segment-seconds must be positive, got {segmentSeconds.ToString(CultureInfo.InvariantCulture)}.");
        var check = new IndexOptions(clipSeconds, data.Fps, data.ShortVideos == "pad", workers, TimeSpan.FromSeconds(data.DecodeTimeoutS));
        return new PrepareSettings(
            data.Fps, side, Math.Max(1, data.Frames), Math.Max(segmentSeconds, 4 * clipSeconds), crf, preset,
            check, Math.Max(1, Environment.ProcessorCount / Math.Max(1, workers)), TimeSpan.FromSeconds(Math.Max(30, data.DecodeTimeoutS)));
    }

    /// <summary>
    /// The values that decide what an output holds, as one line stored beside each prepared source;
    /// an output whose line differs from this was made with other settings.
    /// </summary>
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"v{FormatVersion};libx264;yuv420p;fps={Fps:R};short_side={ShortSide};gop={Gop};bframes=0;segment_s={SegmentSeconds:R};crf={Crf};preset={Preset}");
}
