namespace Jepa.Data;

/// <summary>Clips copied out of a <see cref="Corpus"/> decoded whole into memory: no decoding per clip.</summary>
public sealed class CorpusClipSource(Corpus corpus) : IClipSource
{
    private readonly IReadOnlyList<int> frameCounts = corpus.FrameCounts;

    /// <inheritdoc/>
    public IReadOnlyList<int> FrameCounts => frameCounts;

    /// <inheritdoc/>
    public string PathOf(int index) => corpus.Videos[index].Entry.Path;

    /// <inheritdoc/>
    public int Size => corpus.Videos[0].Frames.Size;

    /// <inheritdoc/>
    public Task<ClipRef> FillAsync(ClipRef clip, int frames, Memory<byte> destination, CancellationToken ct)
    {
        var video = corpus.Videos[clip.Video].Frames;
        int frameBytes = video.FrameBytes;
        video.Rgb.AsSpan(clip.Start * frameBytes, frames * frameBytes).CopyTo(destination.Span);
        return Task.FromResult(clip);
    }
}
