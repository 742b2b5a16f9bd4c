using Jepa.Config;

namespace Jepa.Cli;

/// <summary>Where a run writes, and the rule that an existing run is never overwritten by accident.</summary>
internal static class RunDirectory
{
    // What a run writes; --overwrite removes exactly these and nothing else the user put there.
    private static readonly string[] Artefacts = ["checkpoints", "eval", "metrics.jsonl", "train.log", "config.yaml"];

    public static string Prepare(string? requested, JepaConfig config, bool overwrite)
    {
        var dir = Path.GetFullPath(requested ?? Path.Combine("runs", config.Name));
        bool used = Artefacts.Any(a => File.Exists(Path.Combine(dir, a)) || Directory.Exists(Path.Combine(dir, a)));
        if (used && !overwrite)
            throw new UsageException($"run directory '{dir}' already holds a run; pass --overwrite to replace it, or --run-dir to train elsewhere.");
        if (used)
        {
            foreach (var a in Artefacts)
            {
                var path = Path.Combine(dir, a);
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else if (File.Exists(path)) File.Delete(path);
            }
        }
        Directory.CreateDirectory(dir);
        return dir;
    }
}
