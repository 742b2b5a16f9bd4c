using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch.utils.tensorboard;

namespace Jepa.Training;

/// <summary>
/// Appends one JSON object per logged step to metrics.jsonl, flushed each line so a crash loses
/// nothing logged, and writes every value as a TensorBoard scalar (tag = key, x = the row's
/// <c>step</c>) into event files beside it, so <c>tensorboard --logdir runs/</c> shows every run.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;
    private readonly SummaryWriter? tensorboard;

    /// <param name="path">metrics.jsonl; TensorBoard files go to its folder unless <paramref name="tensorboard"/> is false</param>
    public MetricsLog(string path, bool tensorboard = true)
    {
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        if (tensorboard)
            this.tensorboard = SummaryWriter(Path.GetDirectoryName(Path.GetFullPath(path))!);
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

        // SummaryWriter appends each event to its file as it comes (it has no flush and is not IDisposable).
        if (tensorboard is not null && values.TryGetValue("step", out var step))
            foreach (var (key, value) in values)
                if (key != "step" && double.IsFinite(value))
                    tensorboard.add_scalar(key, (float)value, (int)step);
    }

    public void Dispose() => writer.Dispose();
}
