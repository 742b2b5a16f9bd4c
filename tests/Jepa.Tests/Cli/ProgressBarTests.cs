using System.Diagnostics;
using Jepa.Cli;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Cli;

/// <summary>The progress bar: drawn on a terminal (a real pseudo-terminal from script(1)), never into redirected output.</summary>
public class ProgressBarTests
{
    [Fact]
    public void The_bar_shows_count_rate_and_time_left_within_the_width()
    {
        var text = ProgressBar.Render("prepare", 30, 120, "sources", 0, TimeSpan.FromSeconds(60), 79);
        Assert.Contains("30/120 sources", text);
        Assert.Contains("0.50 sources/s", text);
        Assert.Contains("ETA 3:00", text);
        Assert.Contains("[######.", text);   // a quarter of the way
        Assert.True(text.Length <= 79, text);
        Assert.DoesNotContain(text, c => char.IsControl(c));
        Assert.Contains("done in 1:00", ProgressBar.Render("train", 120, 120, "steps", 0, TimeSpan.FromSeconds(60), 79));
        // Work done before this process (a resumed run) does not count toward the rate.
        Assert.Contains("1.00 steps/s", ProgressBar.Render("train", 160, 200, "steps", 100, TimeSpan.FromSeconds(60), 79));
        Assert.Equal("1:02:03", ProgressBar.Duration(new TimeSpan(1, 2, 3)));
        Assert.Contains("ETA -", ProgressBar.Render("prepare", 1e-9, 10, "sources", 0, TimeSpan.FromSeconds(5), 79));
        Assert.True(ProgressBar.Render("train", 1, 2, "steps", 0, TimeSpan.FromSeconds(1), 30).Length <= 30);
    }

    [Fact]
    public void An_unknown_progress_mode_is_a_usage_error() =>
        Assert.Contains("auto, always or never", Assert.Throws<Jepa.Config.UsageException>(() => ProgressBar.ParseMode("sometimes")).Message);

    [Fact]
    public void Prepare_draws_the_bar_on_a_terminal_and_writes_no_control_character_when_redirected()
    {
        var dll = JepaDll();
        var src = TestVideos.NewFolder("bar-src");
        File.Copy(TestVideos.Testsrc30, Path.Combine(src, "a.mp4"));

        // Under a pseudo-terminal (CI unset, as on a person's machine): the bar is drawn, ending in ESC[K.
        var terminal = UnderTerminal($"dotnet '{dll}' prepare '{src}' --out '{JepaProcess.TempDir("bar-tty")}' --set data.frames=4 --progress auto");
        AssertBarDrawn(terminal, "prepare", "1/1 sources");

        // --progress never on the same terminal: no bar (.NET itself still sends the terminal ESC[?1h ESC=).
        var never = UnderTerminal($"dotnet '{dll}' prepare '{src}' --out '{JepaProcess.TempDir("bar-never")}' --set data.frames=4 --progress never");
        Assert.Contains("Prepared 1", never);
        Assert.DoesNotContain("\u001b[K", never);
        Assert.DoesNotContain("prepare [", never);

        // Redirected to pipes (auto): neither stream holds a carriage return or an escape code.
        var dir = JepaProcess.TempDir("bar-redirected");
        AssertRedirectedWithoutBar(dir, "Prepared 1", "prepare", src, "--out", dir, "--set", "data.frames=4", "--progress", "auto");
    }

    [Fact]
    public void Synth_draws_the_bar_on_a_terminal_and_writes_no_control_character_when_redirected()
    {
        var dll = JepaDll();
        const string small = "--train 3 --val 1 --seconds 1 --size 32";

        var terminal = UnderTerminal($"dotnet '{dll}' synth --kind bouncing --out '{JepaProcess.TempDir("synth-tty")}' {small} --progress auto");
        AssertBarDrawn(terminal, "synth", "4/4 videos");

        var dir = JepaProcess.TempDir("synth-redirected");
        AssertRedirectedWithoutBar(dir, "Wrote 3 training and 1 validation videos", "synth", "--kind", "bouncing", "--out", dir, "--train", "3", "--val", "1", "--seconds", "1", "--size", "32", "--progress", "auto");
    }

    [Fact]
    public void Embed_draws_the_bar_on_a_terminal_and_writes_no_control_character_when_redirected()
    {
        var dll = JepaDll();
        var dir = JepaProcess.TempDir("embed-bar");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var data = Directory.CreateDirectory(Path.Combine(dir, "videos")).FullName;
        var val = Directory.GetFiles(Path.Combine(TestVideos.BouncingDir, "val"), "*.mp4").Order().ToArray();
        File.Copy(val[0], Path.Combine(data, "a.mp4"));
        File.Copy(val[1], Path.Combine(data, "b.mp4"));

        var terminal = UnderTerminal($"dotnet '{dll}' embed --checkpoint '{ckpt}' --data '{data}' --out '{Path.Combine(dir, "tty")}' --device cpu --progress auto");
        AssertBarDrawn(terminal, "embed", "2/2 videos");

        AssertRedirectedWithoutBar(dir, "2 embedded", "embed", "--checkpoint", ckpt, "--data", data, "--out", Path.Combine(dir, "redirected"), "--device", "cpu", "--progress", "auto");
    }

    [Fact]
    public void Eval_draws_a_bar_per_stage_on_a_terminal_and_writes_no_control_character_when_redirected()
    {
        var dll = JepaDll();
        var dir = JepaProcess.TempDir("eval-bar");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var data = Path.Combine(TestVideos.BouncingDir, "val");
        int videos = Directory.GetFiles(data, "*.mp4").Length;

        var terminal = UnderTerminal($"dotnet '{dll}' eval --checkpoint '{ckpt}' --data '{data}' --out '{Path.Combine(dir, "tty")}' --device cpu --progress auto");
        AssertBarDrawn(terminal, "eval decode", $"{videos}/{videos} videos");
        Assert.Contains("eval predict [", terminal);
        // The report's table comes after the bars, on lines of its own.
        Assert.Matches("done in [0-9:]+\u001b\\[K\r?\n", terminal);

        AssertRedirectedWithoutBar(dir, "Report:", "eval", "--checkpoint", ckpt, "--data", data, "--out", Path.Combine(dir, "redirected"), "--device", "cpu", "--progress", "auto");
    }

    [Fact]
    public void Where_no_bar_is_drawn_long_work_writes_plain_lines_and_short_work_nothing()
    {
        var lines = new StringWriter();
        using (var bar = ProgressBar.WritingLines(lines, "index", 10, "videos", TimeSpan.Zero))
        {
            bar.Report(3);
            bar.Report(10); // the last line comes when the bar ends, not at the last unit
        }
        var written = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, written.Length);
        Assert.StartsWith("index 3/10 videos", written[0]);
        Assert.Contains("ETA", written[0]);
        Assert.StartsWith("index 10/10 videos", written[1]);
        Assert.Contains("done in", written[1]);
        AssertNoControlCharacters(lines.ToString());

        var quiet = new StringWriter();
        using (var bar = ProgressBar.WritingLines(quiet, "synth", 10, "videos", TimeSpan.FromHours(1)))
            for (int i = 1; i <= 10; i++) bar.Report(i);
        Assert.Equal("", quiet.ToString());
    }

    // jepa.dll beside the tests; script(1) gives it a terminal.
    private static string JepaDll()
    {
        Assert.True(File.Exists("/usr/bin/script"), "script(1) from util-linux is needed to give jepa a terminal");
        return Path.Combine(AppContext.BaseDirectory, "jepa.dll");
    }

    // What a terminal showed holds the bar labelled so, its count, and the escape code that redraws it.
    private static void AssertBarDrawn(string terminal, string label, string count)
    {
        Assert.Contains(label + " [", terminal);
        Assert.Contains(count, terminal);
        Assert.Contains("\u001b[K", terminal);
    }

    // jepa with its output redirected to pipes (--progress auto) succeeds, prints what it should, and draws no bar.
    private static void AssertRedirectedWithoutBar(string dir, string stdout, params string[] args)
    {
        var r = JepaProcess.Run(dir, args);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(stdout, r.Stdout);
        AssertNoControlCharacters(r.Stdout, r.Stderr);
    }

    // Redirected output: neither stream holds a carriage return or an escape code.
    private static void AssertNoControlCharacters(params string[] texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain("\r", text);
            Assert.DoesNotContain("\u001b", text);
        }
    }

    // Runs a shell command under script(1), which gives it a pseudo-terminal, and returns what the terminal showed.
    private static string UnderTerminal(string command)
    {
        var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-qfec", command, "/dev/null" }) info.ArgumentList.Add(a);
        info.Environment.Remove("CI");
        info.Environment["TERM"] = "xterm";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "jepa under script(1) did not finish");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
