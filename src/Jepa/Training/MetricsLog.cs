using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Jepa.Training;

/// <summary>Appends one JSON object per logged step to metrics.jsonl, flushed each line so a crash loses nothing logged.</summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;

    public MetricsLog(string path)
    {
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public void Write(IReadOnlyDictionary<string, double> values)
    {
        var sb = new StringBuilder("{");
        bool first = true;
        foreach (var (key, value) in values)
        {
            if (!first) sb.Append(',');
            first = false;
            sb.Append(JsonSerializer.Serialize(key)).Append(':');
            // JSON has no NaN/Infinity: write null so every line stays parseable.
            sb.Append(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "null");
        }
        writer.WriteLine(sb.Append('}').ToString());
        writer.Flush();
    }

    public void Dispose() => writer.Dispose();
}
