using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Jepa.Tests.Reference;

/// <summary>
/// Reads a safetensors file of F32 tensors (what jepa export and scripts/reference write), checking
/// the layout the format prescribes: offsets back to back from 0 and covering the data exactly.
/// </summary>
internal sealed class SafeTensorsFile
{
    public required IReadOnlyDictionary<string, Tensor> Tensors { get; init; }
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>Tensor names in the order their bytes appear in the file.</summary>
    public required IReadOnlyList<string> Order { get; init; }

    public static SafeTensorsFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        if (headerLength % 8 != 0) throw new InvalidDataException($"{path}: header length {headerLength} is not a multiple of 8");
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        long dataStart = 8 + headerLength;
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        var spans = new List<(long Begin, long End, string Name)>();
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            if (entry.Value.GetProperty("dtype").GetString() != "F32") throw new InvalidDataException($"{path}: {entry.Name} is not F32");
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (offsets[1] - offsets[0] != count * sizeof(float)) throw new InvalidDataException($"{path}: {entry.Name} has {offsets[1] - offsets[0]} bytes for shape [{string.Join(", ", shape)}]");
            var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0]))).ToArray();
            tensors[entry.Name] = tensor(values, shape);
            spans.Add((offsets[0], offsets[1], entry.Name));
        }
        spans.Sort();
        long expected = 0;
        foreach (var (begin, end, name) in spans)
        {
            if (begin != expected) throw new InvalidDataException($"{path}: {name} starts at {begin}, expected {expected} (gap or overlap)");
            expected = end;
        }
        if (dataStart + expected != bytes.LongLength) throw new InvalidDataException($"{path}: the data ends at {dataStart + expected}, the file at {bytes.LongLength}");
        return new SafeTensorsFile { Tensors = tensors, Metadata = metadata, Order = spans.Select(s => s.Name).ToList() };
    }
}
