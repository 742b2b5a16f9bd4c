namespace Jepa.Training;

/// <summary>A read-only view of the first <c>length</c> bytes of another stream (for hashing a file minus its trailer).</summary>
internal sealed class BoundedStream(Stream inner, long length) : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, (int)Math.Min(count, length - position));
        position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // The inner stream belongs to the caller.
    protected override void Dispose(bool disposing) { }
}
