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
/// drawn only where a person watches (see <see cref="ProgressMode"/>). Into redirected output (a batch
/// job's log) it never writes a carriage return or an escape code: under <c>auto</c> it writes a plain
/// line of the same figures every <see cref="LineEvery"/> instead, and a last one when it ends, so work
/// shorter than that writes nothing. Thread-safe; redraws at most ten times a second. Lines printed
/// through <see cref="WriteLine"/> appear above the bar.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a bar that is not drawn writes a plain line into redirected output.</summary>
    public static readonly TimeSpan LineEvery = TimeSpan.FromSeconds(30);

    private readonly TextWriter? _terminal;
    private readonly TextWriter? _lines;
    private readonly TimeSpan _lineEvery;
    private TimeSpan _lastLine;
    private bool _lineWritten;
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

    private ProgressBar(TextWriter? terminal, string label, double total, string unit, double startDone, TextWriter? lines = null, TimeSpan lineEvery = default)
    {
        _terminal = terminal;
        _lines = terminal is null ? lines : null;
        _lineEvery = lineEvery;
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
    /// nothing when <paramref name="mode"/> says no. Where it is not drawn under <c>auto</c> it writes plain
    /// lines to standard error, unless <paramref name="plainLines"/> is false (a command that logs its own).
    /// </summary>
    public static ProgressBar Start(ProgressMode mode, string label, double total, string unit, double startDone = 0, bool plainLines = true)
    {
        var lines = plainLines && mode == ProgressMode.Auto ? Console.Error : null;
        var bar = new ProgressBar(Enabled(mode) ? Console.Error : null, label, total, unit, startDone, lines, LineEvery);
        if (bar.Visible)
            Active = bar;
        return bar;
    }

    /// <summary>A bar that is never drawn and writes its plain lines to <paramref name="lines"/> every <paramref name="every"/>.</summary>
    internal static ProgressBar WritingLines(TextWriter lines, string label, double total, string unit, TimeSpan every) =>
        new(null, label, total, unit, 0, lines, every);

    /// <summary>The bar on screen now, if any: the log's console sink writes above it.</summary>
    public static ProgressBar? Active { get; private set; }

    /// <summary>True when this bar draws (for callers that print differently when it does not).</summary>
    public bool Visible => _terminal is not null;

    /// <summary>Sets how much is done and redraws when the last redraw is old enough.</summary>
    public void Report(double done)
    {
        if (_terminal is null)
        {
            if (_lines is not null)
                ReportLine(done);
            return;
        }
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
        {
            // A last plain line, where earlier ones said the work was under way.
            lock (_gate)
            {
                if (_lines is not null && _lineWritten && !_closed)
                    WritePlainLine(_lines);
                _closed = true;
            }
            return;
        }
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

    /// <summary>The plain line's text: label, count/total, rate and time left, without the bar.</summary>
    internal static string Line(string label, double done, double total, string unit, double startDone, TimeSpan elapsed) =>
        Render(label, done, total, unit, startDone, elapsed, int.MaxValue, bar: false);

    /// <summary>The bar's text for a given state (no control characters), <paramref name="width"/> columns at most.</summary>
    internal static string Render(string label, double done, double total, string unit, double startDone, TimeSpan elapsed, int width, bool bar = true)
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
        int barWidth = bar ? Math.Clamp(width - label.Length - tail.Length - 4, 0, 40) : 0;
        string drawn = "";
        if (barWidth >= 5)
        {
            double share = total > 0 ? Math.Clamp(done / total, 0, 1) : 0;
            int filled = (int)Math.Floor(share * barWidth);
            drawn = " [" + new string('#', filled) + new string('.', barWidth - filled) + "]";
        }
        var text = label + drawn + tail;
        return text.Length > width ? text[..Math.Max(0, width)] : text;
    }

    /// <summary>0:42, 12:05, 3:07:12.</summary>
    internal static string Duration(TimeSpan t) =>
        t.TotalHours >= 1
            ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}"
            : $"{(int)t.TotalMinutes}:{t.Seconds:00}";

    private void ReportLine(double done)
    {
        lock (_gate)
        {
            _done = Math.Max(_done, done);
            if (_closed || _done >= _total || _clock.Elapsed - _lastLine < _lineEvery)
                return;
            WritePlainLine(_lines!);
        }
    }

    private void WritePlainLine(TextWriter lines)
    {
        lines.WriteLine(Line(_label, _done, _total, _unit, _startDone, _clock.Elapsed));
        lines.Flush();
        _lastLine = _clock.Elapsed;
        _lineWritten = true;
    }

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
