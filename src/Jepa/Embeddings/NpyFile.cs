using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Jepa.Embeddings;

/// <summary>
/// numpy's .npy format, version 1.0: magic, header length, a Python-dict header padded to 64 bytes,
/// then the values little-endian in C order. Only what embeddings need: float32 and float16.
/// </summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>
    /// Writes <paramref name="values"/> with <paramref name="shape"/> to a temporary file, flushes it to
    /// disk and renames it to <paramref name="path"/>: a kill leaves either the whole file or none,
    /// never a half file that a resumed run would take as done.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<float> values, IReadOnlyList<long> shape, EmbedDtype dtype)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} values, not {values.Length}.", nameof(shape));
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Header(shape, dtype));
            stream.Write(Payload(values, dtype));
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Magic, version, length and the padded dict: a multiple of 64 bytes, as numpy writes it.</summary>
    public static byte[] Header(IReadOnlyList<long> shape, EmbedDtype dtype)
    {
        var dims = shape.Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList();
        // A 1-tuple needs its trailing comma in Python.
        string tuple = dims.Count == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
        string descr = dtype == EmbedDtype.Float16 ? "<f2" : "<f4";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple}, }}";
        int unpadded = Magic.Length + 2 + dict.Length + 1; // + 1: the closing newline
        int padding = (64 - unpadded % 64) % 64;
        var text = Encoding.ASCII.GetBytes(dict + new string(' ', padding) + "\n");
        var header = new byte[Magic.Length + 2 + text.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(Magic.Length), checked((ushort)text.Length));
        text.CopyTo(header, Magic.Length + 2);
        return header;
    }

    private static byte[] Payload(ReadOnlySpan<float> values, EmbedDtype dtype)
    {
        int width = dtype == EmbedDtype.Float16 ? 2 : 4;
        var bytes = new byte[values.Length * width];
        for (int i = 0; i < values.Length; i++)
        {
            if (dtype == EmbedDtype.Float16)
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]); // round to nearest even, as numpy's astype
            else
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        return bytes;
    }
}
