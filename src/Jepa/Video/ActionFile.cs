using System.Globalization;
using System.Text;
using Jepa.Config;

namespace Jepa.Video;

/// <summary>
/// The actions taken in a video, one row per frame, in a CSV beside it: <c>clip.mp4</c> →
/// <c>clip.actions.csv</c>. Header <c>frame,ax,ay,x,y</c>: <c>frame</c> counts from 0 at the video's
/// frame rate; the columns whose names start with <c>a</c> are the action taken AFTER that frame (it
/// moves the world from frame t to frame t+1; the last row's action is never used), in order, each in
/// [-1, 1]; any other column (the rooms world writes the agent's centre <c>x</c>, <c>y</c> in frame
/// sides, y down) is state for people and tests, ignored by training. Rows are in frame order, one per frame.
/// </summary>
public sealed record ActionFile(IReadOnlyList<string> ActionColumns, float[][] Actions, IReadOnlyList<string> StateColumns, double[][] States)
{
    /// <summary>The action file that belongs beside <paramref name="videoPath"/>.</summary>
    public static string PathFor(string videoPath) =>
        Path.Combine(Path.GetDirectoryName(videoPath) ?? "", Path.GetFileNameWithoutExtension(videoPath) + ".actions.csv");

    /// <summary>Frames described.</summary>
    public int Count => Actions.Length;

    /// <summary>Writes <paramref name="file"/> to <paramref name="path"/> (invariant culture, '\n' line ends).</summary>
    public static void Write(string path, ActionFile file)
    {
        var text = new StringBuilder();
        text.Append("frame");
        foreach (var c in file.ActionColumns) text.Append(',').Append(c);
        foreach (var c in file.StateColumns) text.Append(',').Append(c);
        text.Append('\n');
        for (int f = 0; f < file.Count; f++)
        {
            text.Append(f.ToString(CultureInfo.InvariantCulture));
            foreach (var a in file.Actions[f]) text.Append(',').Append(a.ToString("R", CultureInfo.InvariantCulture));
            foreach (var s in file.States[f]) text.Append(',').Append(s.ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads an action file; a malformed one is a <see cref="UsageException"/> naming the file and line.</summary>
    public static ActionFile Read(string path)
    {
        if (!File.Exists(path))
            throw new UsageException($"{path}: no action file; a video trained with actions needs <name>.actions.csv beside it (jepa synth --kind rooms writes them).");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2)
            throw new UsageException($"{path}: an action file needs a header and one row per frame; rewrite it with jepa synth --kind rooms.");
        var header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        if (header[0] != "frame" || !header.Skip(1).Any(h => h.StartsWith('a')))
            throw new UsageException($"{path}: the header must start with 'frame' and name at least one action column (a name starting with 'a'), got '{lines[0]}'.");
        var actionIdx = Enumerable.Range(1, header.Length - 1).Where(i => header[i].StartsWith('a')).ToArray();
        var stateIdx = Enumerable.Range(1, header.Length - 1).Where(i => !header[i].StartsWith('a')).ToArray();
        var actions = new float[lines.Length - 1][];
        var states = new double[lines.Length - 1][];
        for (int r = 1; r < lines.Length; r++)
        {
            var cells = lines[r].Split(',');
            if (cells.Length != header.Length || !int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int frame) || frame != r - 1)
                throw new UsageException($"{path}, line {r + 1}: expected frame {r - 1} with {header.Length} columns, got '{lines[r]}'.");
            actions[r - 1] = actionIdx.Select(i => (float)Number(path, r, cells[i])).ToArray();
            states[r - 1] = stateIdx.Select(i => Number(path, r, cells[i])).ToArray();
        }
        return new ActionFile(actionIdx.Select(i => header[i]).ToArray(), actions, stateIdx.Select(i => header[i]).ToArray(), states);
    }

    private static double Number(string path, int row, string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"{path}, line {row + 1}: '{cell}' is not a finite number.");
}
