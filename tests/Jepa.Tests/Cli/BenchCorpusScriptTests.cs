using System.Diagnostics;
using Jepa.Tests.Config;

namespace Jepa.Tests.Cli;

/// <summary>scripts/bench-corpus.sh makes real videos of the kind it names, with real ffmpeg.</summary>
public class BenchCorpusScriptTests
{
    private static (int ExitCode, string Output) Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        start.ArgumentList.Add("scripts/bench-corpus.sh");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "bench-corpus.sh ran over 2 minutes");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Probe(string path)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,avg_frame_rate,nb_frames", "-of", "csv=p=0", path })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return text;
    }

    [Fact]
    public void The_corpus_script_makes_720p30_h264_of_the_asked_length_and_keeps_it_on_a_second_run()
    {
        var dir = JepaProcess.TempDir("bench-corpus");

        var first = Script(dir, "--seconds", "0.5", "--only", "^h264-720p30$");
        var again = Script(dir, "--seconds", "0.5", "--only", "^h264-720p30$");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Equal(["h264-720p30-1.mp4"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Equal("h264,1280,720,30/1,15", Probe(Path.Combine(dir, "h264-720p30-1.mp4")));
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("keep ", again.Output);
    }

    [Theory]
    [InlineData("--seconds", "ten")]
    [InlineData("--copies", "0")]
    [InlineData("--colour", "red")]
    public void The_corpus_script_refuses_a_bad_option_with_exit_2(string option, string value)
    {
        var r = Script(JepaProcess.TempDir("bench-corpus-bad"), option, value);

        Assert.Equal(2, r.ExitCode);
    }
}
