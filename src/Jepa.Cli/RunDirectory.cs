using Jepa.Config;
using Jepa.Training;

namespace Jepa.Cli;

/// <summary>Where a run writes, and the rule that an existing run is never overwritten by accident.</summary>
internal static class RunDirectory
{
    // What a run writes; --overwrite removes exactly these and nothing else the user put there.
    private static readonly string[] Artefacts = ["checkpoints", "eval", "metrics.jsonl", "train.log", "config.yaml"];

    /// <summary>
    /// Holds run.lock open with no sharing for the life of the process (an advisory flock on Unix, freed
    /// by the kernel even on kill -9), so two trainers never write one run directory.
    /// </summary>
    public static FileStream Lock(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"the run directory '{dir}' cannot be created ({e.Message.TrimEnd('.')}); pass --run-dir with a folder you can write to.", e);
        }
        var path = Path.Combine(dir, "run.lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n");
            stream.Write(pid);
            stream.Flush();
            return stream;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"the run directory '{dir}' is not writable ({e.Message.TrimEnd('.')}); pass --run-dir with a folder you can write to.", e);
        }
        catch (IOException)
        {
            throw new UsageException($"run directory '{dir}' is in use by another jepa process; wait for it to end, or train elsewhere with --run-dir.");
        }
    }

    /// <summary>The run directory: --run-dir when given, else runs/&lt;name&gt;, as an absolute path.</summary>
    public static string Resolve(string? requested, string name) => Path.GetFullPath(requested ?? Path.Combine("runs", name));

    /// <summary>
    /// True when the folder holds a run's work: a checkpoint, a logged step or an evaluation. A start that
    /// failed before its first step leaves only config.yaml, run.lock and train.log: nothing to lose.
    /// </summary>
    public static bool HoldsRun(string dir)
    {
        var checkpoints = CheckpointFiles.Folder(dir);
        var metrics = Path.Combine(dir, "metrics.jsonl");
        return Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "*.ckpt").Any()
               || File.Exists(metrics) && new FileInfo(metrics).Length > 0
               || Directory.Exists(Path.Combine(dir, "eval")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "eval")).Any();
    }

    /// <summary>Readies <paramref name="dir"/> for a fresh run: refused when it holds a run, unless overwriting.</summary>
    public static void Prepare(string dir, bool overwrite)
    {
        bool used = HoldsRun(dir);
        if (used && !overwrite)
            throw new UsageException($"run directory '{dir}' already holds a run; continue it with: {ResumeCommand.For(dir)}; or pass --overwrite to replace it, or --run-dir to train elsewhere.");
        if (!overwrite) return;
        foreach (var a in Artefacts)
        {
            var path = Path.Combine(dir, a);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        // TensorBoard names its event files by time and host; the old run's would mix with the new.
        foreach (var events in Directory.EnumerateFiles(dir, "events.out.tfevents.*")) File.Delete(events);
        var bad = Path.Combine(dir, "bad_videos.csv");
        if (File.Exists(bad)) File.Delete(bad);
    }
}
