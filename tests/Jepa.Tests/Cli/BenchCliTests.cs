using System.Text.Json;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Cli;

public class BenchCliTests
{
    [Fact]
    public void Bench_json_leaves_apostrophes_and_accents_in_the_ffmpeg_command_readable()
    {
        var dir = JepaProcess.TempDir("bench-json");
        Directory.CreateDirectory(Path.Combine(dir, "l'été"));
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "l'été", "clip.mp4"));

        var r = JepaProcess.Run(dir, "bench", "data", "--data", "l'été", "--seconds", "0.2", "--workers", "1",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "train.batch_size=1", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.DoesNotContain("\\u", r.Stdout);
        Assert.Contains("l'\\\\''été/clip.mp4", r.Stdout); // the shell quoting of ' as it is, JSON-escaped only where JSON must
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Contains(Path.Combine(dir, "l'été", "clip.mp4").Replace("'", "'\\''"), json.RootElement.GetProperty("ffmpeg_command").GetString());
    }
}
