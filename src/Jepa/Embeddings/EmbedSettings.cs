using System.Text.Json;
using System.Text.Json.Serialization;
using Jepa.Config;

namespace Jepa.Embeddings;

/// <summary>
/// DIR/embed.json: what the embeddings in a folder were made with. A resumed run (or another shard)
/// must match it, or finished videos would be skipped although their files mean something else.
/// </summary>
public sealed record EmbedSettings(
    [property: JsonPropertyName("checkpoint")] string Checkpoint,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("levels")] string Levels,
    [property: JsonPropertyName("pool")] string Pool,
    [property: JsonPropertyName("dtype")] string Dtype,
    [property: JsonPropertyName("frames")] int Frames,
    [property: JsonPropertyName("stride")] int Stride,
    [property: JsonPropertyName("fps")] double Fps,
    [property: JsonPropertyName("size")] int Size)
{
    public const string FileName = "embed.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Claims <paramref name="outDir"/> for these settings: a new or empty folder gets embed.json; one
    /// that holds embeddings of the same settings is resumed; anything else is refused before any work.
    /// </summary>
    public void Claim(string outDir)
    {
        var path = Path.Combine(outDir, FileName);
        if (File.Exists(path))
        {
            EmbedSettings? old;
            try
            {
                old = JsonSerializer.Deserialize<EmbedSettings>(File.ReadAllText(path));
            }
            catch (JsonException)
            {
                old = null;
            }
            if (old is null)
                throw new UsageException($"{path} cannot be read; give another --out, or delete that folder to embed again.");
            var differs = Differences(old);
            if (differs.Count > 0)
                throw new UsageException($"--out {outDir} holds embeddings made with other settings ({string.Join("; ", differs)}); give another --out.");
            return;
        }
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new UsageException($"--out {outDir} is not empty and holds no {FileName} of jepa embed; give a new or empty folder.");
        Directory.CreateDirectory(outDir);
        // Shards of one array may start together: each writes its own temporary file, the same content.
        var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Indented) + "\n");
        File.Move(tmp, path, overwrite: true);
    }

    private List<string> Differences(EmbedSettings old)
    {
        var differs = new List<string>();
        void Check<T>(string name, T was, T now)
        {
            if (!EqualityComparer<T>.Default.Equals(was, now)) differs.Add($"{name} {was}, now {now}");
        }
        Check("checkpoint", old.Checkpoint, Checkpoint);
        Check("step", old.Step, Step);
        Check("level", old.Levels, Levels);
        Check("pool", old.Pool, Pool);
        Check("dtype", old.Dtype, Dtype);
        Check("frames", old.Frames, Frames);
        Check("stride", old.Stride, Stride);
        Check("fps", old.Fps, Fps);
        Check("size", old.Size, Size);
        return differs;
    }
}
