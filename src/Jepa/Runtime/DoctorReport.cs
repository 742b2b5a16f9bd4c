using System.Text;

namespace Jepa.Runtime;

/// <summary>How one doctor item stands.</summary>
public enum DoctorStatus
{
    /// <summary>Present and usable.</summary>
    Ok,
    /// <summary>Usable, with a limit worth knowing (no GPU, a patch that could not be written).</summary>
    Warn,
    /// <summary>Missing or broken, and jepa needs it.</summary>
    Fail,
}

/// <summary>One row of the doctor's table: what was checked, how it stands, and the evidence or the fix.</summary>
public sealed record DoctorLine(string Item, DoctorStatus Status, string Detail);

/// <summary>What <see cref="Doctor.Run"/> found, printable as a table.</summary>
public sealed record DoctorReport(IReadOnlyList<DoctorLine> Lines)
{
    /// <summary>False only when something jepa needs (ffmpeg, ffprobe, torch) is missing or broken.</summary>
    public bool AllOk => Lines.All(l => l.Status != DoctorStatus.Fail);

    /// <summary>A plain-text table: item, status, detail; one row per line, then a one-line verdict.</summary>
    public override string ToString()
    {
        var itemWidth = Math.Max("item".Length, Lines.Count == 0 ? 0 : Lines.Max(l => l.Item.Length));
        const int statusWidth = 6;
        var sb = new StringBuilder();
        sb.Append("item".PadRight(itemWidth)).Append("  ").Append("status".PadRight(statusWidth)).Append("  detail\n");
        foreach (var line in Lines)
        {
            sb.Append(line.Item.PadRight(itemWidth)).Append("  ")
              .Append(line.Status.ToString().ToLowerInvariant().PadRight(statusWidth)).Append("  ")
              .Append(line.Detail).Append('\n');
        }
        sb.Append(AllOk
            ? "everything jepa needs is here."
            : "something jepa needs is missing: follow the detail of each 'fail' line.");
        return sb.ToString();
    }
}
