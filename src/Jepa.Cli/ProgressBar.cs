using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Jepa.Config;

namespace Jepa.Cli;

/// <summary>When a command draws a progress bar.</summary>
internal enum ProgressMode
{
    /// <summary>When standard error is a terminal, and neither CI nor TERM=dumb says otherwise.</summary>
    Auto,

    /// <summary>Always, even into a file or pipe (the bar's carriage returns and escape codes go there too).</summary>
    Always,

    /// <summary>Never.</summary>
    Never,
}

/// <summary>
/// One line on standard error, redrawn in place: label, a bar, count/total, rate and time left. It is
/// drawn only where a person watches (see <see cref="ProgressMode"/>); otherwise it writes nothing at
/// all, so redirected output never holds a carriage return or an escape code. Thread-safe; redraws at
/// most ten times a second. Lines printed through <see cref="WriteLine"/> appear above the bar.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter? _terminal;
    private readonly string _label;
    private readonly string _unit;
    private readonly double _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly double _startDone;
    private readonly int _width;
    private double _done;
    private TimeSpan? _lastDraw;
    private bool _drawn;
    private bool _closed;

    private ProgressBar(TextWriter? terminal, string label, double total, string unit, double startDone)
    {
        _terminal = terminal;
        _width = terminal is null ? 80 : TerminalWidth();
        _label = label;
        _total = total;
        _unit = unit;
        _startDone = startDone;
        _done = startDone;
    }

    /// <summary>The <c>--progress</c> option, shared by the commands that draw a bar.</summary>
    public static Option<string> Option() => new("--progress")
    {
        Description = "Progress bar on standard error: auto (when it is a terminal and CI is not set), always, never.",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>Reads <c>--progress</c>; an unknown word is a usage error.</summary>
    public static ProgressMode ParseMode(string? text) => text?.ToLowerInvariant() switch
    {
        null or "auto" => ProgressMode.Auto,
        "always" => ProgressMode.Always,
        "never" => ProgressMode.Never,
        _ => throw new UsageException($"--progress must be auto, always or never, not '{text}'."),
    };

    /// <summary>True when <paramref name="mode"/> draws a bar in this process.</summary>
    public static bool Enabled(ProgressMode mode) => mode switch
    {
        ProgressMode.Always => true,
        ProgressMode.Never => false,
        _ => !Console.IsErrorRedirected && !IsCi() && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal),
    };

    /// <summary>
    /// A bar counting to <paramref name="total"/> <paramref name="unit"/>, starting at
    /// <paramref name="startDone"/> (work done before this process, left out of the rate); a bar that draws
    /// nothing when <paramref name="mode"/> says no.
    /// </summary>
    public static ProgressBar Start(ProgressMode mode, string label, double total, string unit, double startDone = 0)
    {
        var bar = new ProgressBar(Enabled(mode) ? Console.Error : null, label, total, unit, startDone);
        if (bar.Visible)
            Active = bar;
        return bar;
    }

    /// <summary>The bar on screen now, if any: the log's console sink writes above it.</summary>
    public static ProgressBar? Active { get; private set; }

    /// <summary>True when this bar draws (for callers that print differently when it does not).</summary>
    public bool Visible => _terminal is not null;

    /// <summary>Sets how much is done and redraws when the last redraw is old enough.</summary>
    public void Report(double done)
    {
        if (_terminal is null)
            return;
        lock (_gate)
        {
            _done = Math.Max(_done, done);
            if (_closed || _lastDraw is { } last && _clock.Elapsed - last < RedrawEvery && _done < _total)
                return;
            Draw();
        }
    }

    /// <summary>
    /// Writes <paramref name="line"/> to <paramref name="writer"/> (standard output when null) above the bar:
    /// the bar is erased first and drawn again below it.
    /// </summary>
    public void WriteLine(string line, TextWriter? writer = null)
    {
        writer ??= Console.Out;
        Around(() =>
        {
            writer.WriteLine(line);
            writer.Flush();
        });
    }

    /// <summary>Runs <paramref name="write"/> with the bar erased, then draws the bar again below what it wrote.</summary>
    public void Around(Action write)
    {
        if (_terminal is null)
        {
            write();
            return;
        }
        lock (_gate)
        {
            Erase();
            write();
            if (!_closed)
                Draw();
        }
    }

    /// <summary>Erases the bar, for output written by others (a log sink); the next report draws it again.</summary>
    public void Clear()
    {
        if (_terminal is null)
            return;
        lock (_gate)
            Erase();
    }

    /// <summary>Draws the last state and ends the line, so what follows starts below the bar.</summary>
    public void Dispose()
    {
        if (_terminal is null)
            return;
        lock (_gate)
        {
            if (_closed)
                return;
            Draw();
            _terminal.Write('\n');
            _terminal.Flush();
            _drawn = false;
            _closed = true;
            if (Active == this)
                Active = null;
        }
    }

    /// <summary>The bar's text for a given state (no control characters), <paramref name="width"/> columns at most.</summary>
    internal static string Render(string label, double done, double total, string unit, double startDone, TimeSpan elapsed, int width)
    {
        double rate = elapsed.TotalSeconds > 0.5 ? (done - startDone) / elapsed.TotalSeconds : 0;
        string count = total >= 100 || total == Math.Floor(total) && done == Math.Floor(done)
            ? $"{Math.Floor(done).ToString("0", CultureInfo.InvariantCulture)}/{total.ToString("0", CultureInfo.InvariantCulture)} {unit}"
            : $"{done.ToString("0.0", CultureInfo.InvariantCulture)}/{total.ToString("0.#", CultureInfo.InvariantCulture)} {unit}";
        string rateText = rate > 0 ? (rate >= 10 ? rate.ToString("0", CultureInfo.InvariantCulture) : rate.ToString("0.00", CultureInfo.InvariantCulture)) + $" {unit}/s" : $"- {unit}/s";
        // Past 99 hours the estimate says nothing (and a TimeSpan would overflow for a rate near 0).
        double left = rate > 0 ? (total - done) / rate : double.PositiveInfinity;
        string eta = done < total && left < 99 * 3600 ? "ETA " + Duration(TimeSpan.FromSeconds(left))
            : done >= total ? "done in " + Duration(elapsed) : "ETA -";
        string tail = $" {count}  {rateText}  {eta}";
        int barWidth = Math.Clamp(width - label.Length - tail.Length - 4, 0, 40);
        string bar = "";
        if (barWidth >= 5)
        {
            double share = total > 0 ? Math.Clamp(done / total, 0, 1) : 0;
            int filled = (int)Math.Floor(share * barWidth);
            bar = " [" + new string('#', filled) + new string('.', barWidth - filled) + "]";
        }
        var text = label + bar + tail;
        return text.Length > width ? text[..Math.Max(0, width)] : text;
    }

    /// <summary>0:42, 12:05, 3:07:12.</summary>
    internal static string Duration(TimeSpan t) =>
        t.TotalHours >= 1
            ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}"
            : $"{(int)t.TotalMinutes}:{t.Seconds:00}";

    private void Draw()
    {
        // One column short of the width: writing the last column makes some terminals wrap.
        var text = Render(_label, _done, _total, _unit, _startDone, _clock.Elapsed, _width - 1);
        // \r returns to the start of the line, ESC[K erases what an earlier, longer text left.
        _terminal!.Write("\r" + text + "\u001b[K");
        _terminal.Flush();
        _drawn = true;
        _lastDraw = _clock.Elapsed;
    }

    // Read once: on Linux each read of the size can make .NET send the terminal its set-up sequence again.
    private static int TerminalWidth()
    {
        try
        {
            return !Console.IsErrorRedirected && Console.WindowWidth > 20 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80; // no terminal size to read (output redirected under --progress always)
        }
    }

    private void Erase()
    {
        if (!_drawn)
            return;
        _terminal!.Write("\r\u001b[K");
        _terminal.Flush();
        _drawn = false;
    }

    // CI services set CI (GitHub Actions, GitLab, this project's .ci/run): their logs are no terminal.
    private static bool IsCi() =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase) && ci != "0";
}
