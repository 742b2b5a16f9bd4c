using Jepa.Config;

namespace Jepa.Cli;

/// <summary>
/// Checks a path an output flag names before any work starts, so that a path which cannot be
/// written ends in one sentence naming the flag instead of a .NET error after the work is done.
/// Nothing is created: the command creates its folder when it first writes there.
/// </summary>
internal static class OutputPaths
{
    /// <summary>The absolute path of a folder that exists and can be written, or can be created.</summary>
    public static string Folder(string path, string flag)
    {
        var full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
            throw new UsageException($"{flag} {full} is a file; give a folder (it is created when missing).");
        CheckWritable(full, flag, full);
        return full;
    }

    /// <summary>
    /// The absolute path of a file whose folder exists and can be written, or can be created;
    /// <paramref name="example"/> is a file name to suggest when the path is a folder.
    /// </summary>
    public static string File(string path, string flag, string example)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new UsageException($"{flag} {full} is a folder; give the path of a file, such as {Path.Combine(full, example)}.");
        CheckWritable(Path.GetDirectoryName(full)!, flag, full);
        return full;
    }

    // The folder is created later with its parents, so what decides is the nearest part of the path
    // that exists: it must be a folder (not a file), and a file must be creatable in it.
    private static void CheckWritable(string folder, string flag, string shown)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (System.IO.File.Exists(existing))
                throw new UsageException($"{flag} {shown} cannot be created: {existing} is a file, not a folder; give a path under a folder.");
            existing = Path.GetDirectoryName(existing)!;
        }
        var probe = Path.Combine(existing, $".jepa-write-check-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // .NET's own message names the probe file, not the user's path; --verbose still shows it.
            string why = e is UnauthorizedAccessException ? " (permission denied)" : "";
            throw new UsageException($"{flag} {shown} cannot be written: no file can be created in {existing}{why}; give a folder you can write to.", e);
        }
    }
}
