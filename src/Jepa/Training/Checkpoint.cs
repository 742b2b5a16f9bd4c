using System.Security.Cryptography;
using System.Text;
using Jepa.Config;
using Jepa.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Jepa.Training;

/// <summary>What a checkpoint file holds besides the weights.</summary>
public sealed record CheckpointHeader(int FormatVersion, long Step, JepaConfig Config);

/// <summary>
/// Checkpoint file: magic, format version, resolved config (YAML), step, torch RNG state, model state
/// (online, target, predictors, and the pixel decoder of train.objective pixel), optimizer state, then a SHA-256 of everything before it. Clip choice
/// is a pure function of (seed, step), so the step is the data sampler's whole position. Written to a
/// temporary file, flushed to disk and renamed: a crash mid-write never leaves a half file under the
/// real name, and the hash catches a file damaged afterwards.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "JEPACKPT";
    public const int FormatVersion = 2;
    private const int HashBytes = 32;

    public static void Save(string path, JepaConfig config, long step, HJepa model, OptimizerHelper? optimizer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    w.Write(Magic);
                    w.Write(FormatVersion);
                    w.Write(ConfigLoader.ToYaml(config));
                    w.Write(step);
                    using (var rng = get_rng_state()) rng.Save(w);
                    model.save(w);
                    w.Write(optimizer is not null);
                    optimizer?.save_state_dict(w);
                    w.Flush();
                }
                stream.Position = 0;
                var hash = SHA256.HashData(stream);
                stream.Write(hash);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Copies a checkpoint to <paramref name="target"/> the same atomic way (temporary, flush, rename).</summary>
    public static void CopyAtomically(string source, string target)
    {
        var tmp = target + ".tmp";
        try
        {
            using (var from = new FileStream(source, FileMode.Open, FileAccess.Read))
            using (var to = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                from.CopyTo(to);
                to.Flush(flushToDisk: true);
            }
            File.Move(tmp, target, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Reads only the header: format version, step and config. Verifies the hash first.</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var stream = OpenVerified(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(r, path);
    }

    /// <summary>True when the file is whole: right magic, version and hash.</summary>
    public static bool IsValid(string path, out string problem)
    {
        try
        {
            ReadHeader(path);
            problem = "";
            return true;
        }
        catch (UsageException e)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>Builds the model the checkpoint describes and loads its weights onto <paramref name="device"/>.</summary>
    public static (CheckpointHeader Header, HJepa Model) LoadModel(string path, Device device)
    {
        using var stream = OpenVerified(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(r, path);
        var model = Build(header.Config);
        SkipRng(r);
        model.load(r);
        model.to(device);
        return (header, model);
    }

    /// <summary>
    /// Restores a training run: weights into <paramref name="model"/>, the optimizer's state and the torch
    /// RNG. The model must have the checkpoint's architecture (<see cref="ArchitectureDifference"/>).
    /// </summary>
    public static CheckpointHeader Restore(string path, HJepa model, OptimizerHelper optimizer)
    {
        using var stream = OpenVerified(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(r, path);
        using (var rng = Tensor.Load(r)) set_rng_state(rng);
        model.load(r);
        if (r.ReadBoolean()) optimizer.load_state_dict(r);
        return header;
    }

    /// <summary>Null when the two configs build the same network; otherwise one phrase naming what differs.</summary>
    public static string? ArchitectureDifference(JepaConfig checkpoint, JepaConfig wanted)
    {
        var a = Presets.Resolve(checkpoint.Model);
        var b = Presets.Resolve(wanted.Model);
        var diffs = new List<string>();
        void Compare(string key, object x, object y)
        {
            if (!Equals(x, y)) diffs.Add($"{key} {x} in the checkpoint, {y} in the config");
        }
        Compare("data.size", checkpoint.Data.Size, wanted.Data.Size);
        Compare("data.frames", checkpoint.Data.Frames, wanted.Data.Frames);
        Compare("train.objective", ObjectiveNames.Of(checkpoint), ObjectiveNames.Of(wanted));
        foreach (var p in typeof(ModelSpec).GetProperties())
            Compare("model." + ConfigNames.Snake(p.Name), p.GetValue(a)!, p.GetValue(b)!);
        return diffs.Count == 0 ? null : string.Join(", ", diffs);
    }

    private static HJepa Build(JepaConfig config) =>
        new(Presets.Resolve(config.Model), config.Data.Size, config.Data.Frames, ObjectiveNames.Of(config));

    private static void SkipRng(BinaryReader r)
    {
        using var _ = Tensor.Load(r);
    }

    /// <summary>Opens the file and checks its trailing SHA-256 against its contents.</summary>
    private static FileStream OpenVerified(string path)
    {
        if (Directory.Exists(path))
        {
            // A run directory or its checkpoints/ folder: name the file to pass when there is one.
            var latest = new[] { Path.Combine(path, "checkpoints", "latest.ckpt"), Path.Combine(path, "latest.ckpt") }.FirstOrDefault(File.Exists);
            throw new UsageException(latest is not null
                ? $"checkpoint '{path}' is a folder; pass a .ckpt file in it, such as {latest}."
                : $"checkpoint '{path}' is a folder; pass a .ckpt file from a run's checkpoints/ folder.");
        }
        if (!File.Exists(path))
            throw new UsageException($"checkpoint '{path}' does not exist; pass a .ckpt file from a run's checkpoints/ folder.");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            if (stream.Length <= HashBytes) throw Damaged(path, "too short");
            var stored = new byte[HashBytes];
            stream.Position = stream.Length - HashBytes;
            stream.ReadExactly(stored);
            stream.Position = 0;
            using var body = new BoundedStream(stream, stream.Length - HashBytes);
            if (!SHA256.HashData(body).AsSpan().SequenceEqual(stored))
            {
                // A whole checkpoint of another format has no (or another) trailer: say so, not "damaged".
                stream.Position = 0;
                if (OtherFormatVersion(stream) is { } version)
                    throw new UsageException($"checkpoint '{path}' has format version {version}, this jepa reads version {FormatVersion}; use the jepa that wrote it, or train again.");
                throw Damaged(path, "its checksum does not match its contents");
            }
            stream.Position = 0;
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static CheckpointHeader ReadHeader(BinaryReader r, string path)
    {
        try
        {
            int version = ReadVersion(r) ?? throw Damaged(path, "wrong magic");
            if (version != FormatVersion)
                throw new UsageException($"checkpoint '{path}' has format version {version}, this jepa reads version {FormatVersion}; use the jepa that wrote it.");
            var config = ConfigLoader.FromYaml(r.ReadString(), path + " (embedded config)");
            long step = r.ReadInt64();
            return new CheckpointHeader(version, step, config);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            throw Damaged(path, e.Message);
        }
    }

    /// <summary>The format version in the file's header when it has our magic and a version other than ours; else null.</summary>
    private static int? OtherFormatVersion(Stream stream)
    {
        try
        {
            using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            return ReadVersion(r) is { } version && version != FormatVersion ? version : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The format version after our magic, or null when the magic is not ours.</summary>
    private static int? ReadVersion(BinaryReader r) => r.ReadString() == Magic ? r.ReadInt32() : null;

    private static UsageException Damaged(string path, string why) =>
        new($"'{path}' is not a jepa checkpoint or is damaged ({why}); pass another checkpoint.");

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover .tmp is ignored by every reader.
        }
    }
}
