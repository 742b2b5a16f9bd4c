using Jepa.Config;

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
        Directory.CreateDirectory(dir);
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
        catch (IOException)
        {
            throw new UsageException($"run directory '{dir}' is in use by another jepa process; wait for it to end, or train elsewhere with --run-dir.");
        }
    }

    /// <summary>The run directory: --run-dir when given, else runs/&lt;name&gt;, as an absolute path.</summary>
    public static string Resolve(string? requested, JepaConfig config) => Path.GetFullPath(requested ?? Path.Combine("runs", config.Name));

    /// <summary>True when the folder holds something a run writes.</summary>
    public static bool HoldsRun(string dir) => Artefacts.Any(a => File.Exists(Path.Combine(dir, a)) || Directory.Exists(Path.Combine(dir, a)));

    /// <summary>The run directory for a fresh run: refused when it holds a run, unless overwriting.</summary>
    public static string Prepare(string? requested, JepaConfig config, bool overwrite)
    {
        var dir = Resolve(requested, config);
        bool used = HoldsRun(dir);
        if (used && !overwrite)
            throw new UsageException($"run directory '{dir}' already holds a run; pass --resume auto to continue it, --overwrite to replace it, or --run-dir to train elsewhere.");
        if (used)
        {
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
        Directory.CreateDirectory(dir);
        return dir;
    }
}
