using CsvHelper;
using Serilog;

namespace Jepa.Data;

/// <summary>
/// The videos a run set aside: each is logged once and appended to <c>bad_videos.csv</c>
/// (<c>path,reason</c>) in the run directory as soon as it is found, so the list survives a crash.
/// Safe to call from several decode workers.
/// </summary>
public sealed class BadVideoLog(string? csvPath, ILogger log)
{
    private readonly Dictionary<string, string> reasons = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Videos set aside so far.</summary>
    public int Count
    {
        get { lock (gate) return reasons.Count; }
    }

    /// <summary>True when <paramref name="path"/> was set aside.</summary>
    public bool Contains(string path)
    {
        lock (gate) return reasons.ContainsKey(path);
    }

    /// <summary>Every video set aside, with its reason.</summary>
    public IReadOnlyList<RejectedVideo> All
    {
        get { lock (gate) return reasons.Select(r => new RejectedVideo(r.Key, r.Value)).ToList(); }
    }

    /// <summary>Sets <paramref name="path"/> aside; a second report of the same video does nothing.</summary>
    public void Add(string path, string reason)
    {
        lock (gate)
        {
            if (!reasons.TryAdd(path, reason))
                return;
            log.Warning("Skipping {Path}: {Reason}", path, reason);
            if (csvPath is null)
                return;
            bool header = !File.Exists(csvPath);
            using var csv = CsvWriter.Create(new FileStream(csvPath, FileMode.Append, FileAccess.Write),
                CsvWriterOptions.Default with { NewLine = "\n" }, false);
            if (header)
                csv.WriteHeader(["path", "reason"]);
            csv.WriteRecord([path, reason]);
        }
    }
}
