using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Jepa.Export;

/// <summary>
/// Writes the safetensors format, which PyTorch users read without pickle (and without our code):
/// an 8-byte little-endian header length, a JSON header <c>{name: {dtype, shape, data_offsets}}</c>
/// plus <c>"__metadata__"</c> (string → string), then the tensors' raw little-endian bytes back to back.
/// Written by hand: TorchSharp reads and writes only its own format.
/// </summary>
public static class SafeTensors
{
    /// <summary>
    /// Writes every tensor as float32 (F32), in the order given, to <paramref name="path"/> through a
    /// temporary file and a rename, so a crash never leaves half a file under the real name.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var data = new List<float[]>(tensors.Count);
        var header = new Dictionary<string, object> { ["__metadata__"] = metadata };
        long offset = 0;
        foreach (var (name, t) in tensors)
        {
            using var cpu = t.detach().to(ScalarType.Float32, CPU).contiguous();
            var values = cpu.data<float>().ToArray();
            long bytes = values.LongLength * sizeof(float);
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = "F32",
                ["shape"] = t.shape,
                ["data_offsets"] = new[] { offset, offset + bytes },
            };
            data.Add(values);
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // The reference implementation pads the header with spaces to a multiple of 8, so the data
        // that follows is aligned for readers that map the file and view it in place.
        int padded = (json.Length + 7) / 8 * 8;

        var tmp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                // Every platform .NET 10 runs on is little-endian, which is what the format asks for.
                stream.Write(BitConverter.GetBytes((ulong)padded));
                stream.Write(json);
                for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
                foreach (var values in data) stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
    }
}
