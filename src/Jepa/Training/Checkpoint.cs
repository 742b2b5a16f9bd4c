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
/// Checkpoint file: magic, format version, resolved config (YAML), step, model state (online, target,
/// predictors), optimizer state. Written to a temporary file, flushed to disk, then renamed, so a crash
/// mid-write never leaves a half checkpoint under the real name.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "JEPACKPT";
    public const int FormatVersion = 1;

    public static void Save(string path, JepaConfig config, long step, HJepa model, OptimizerHelper? optimizer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(ConfigLoader.ToYaml(config));
            w.Write(step);
            model.save(w);
            w.Write(optimizer is not null);
            optimizer?.save_state_dict(w);
            w.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads only the header: format version, step and config.</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var stream = OpenOrThrow(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(r, path);
    }

    /// <summary>Builds the model the checkpoint describes and loads its weights onto <paramref name="device"/>.</summary>
    public static (CheckpointHeader Header, HJepa Model) LoadModel(string path, Device device)
    {
        using var stream = OpenOrThrow(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(r, path);
        var spec = Presets.Resolve(header.Config.Model);
        var model = new HJepa(spec, header.Config.Data.Size, header.Config.Data.Frames);
        model.load(r);
        model.to(device);
        return (header, model);
    }

    private static FileStream OpenOrThrow(string path)
    {
        if (!File.Exists(path))
            throw new UsageException($"checkpoint '{path}' does not exist; pass a .ckpt file from a run's checkpoints/ folder.");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static CheckpointHeader ReadHeader(BinaryReader r, string path)
    {
        try
        {
            if (r.ReadString() != Magic) throw new InvalidDataException("bad magic");
            int version = r.ReadInt32();
            if (version != FormatVersion)
                throw new UsageException($"checkpoint '{path}' has format version {version}, this jepa reads version {FormatVersion}; use the jepa that wrote it.");
            var config = ConfigLoader.FromYaml(r.ReadString(), path + " (embedded config)");
            long step = r.ReadInt64();
            return new CheckpointHeader(version, step, config);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            throw new UsageException($"'{path}' is not a jepa checkpoint or is damaged ({e.Message}); pass another checkpoint.", e);
        }
    }
}
