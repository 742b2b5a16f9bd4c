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

    [Fact]
    public void Bench_json_puts_the_loader_beside_the_decoders_limit_in_every_row_and_for_the_best()
    {
        var dir = JepaProcess.TempDir("bench-limit");
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "clip.mp4"));

        // 4 frames at 8 fps span 0.5 s: 15 source frames at least, plus those from the only keyframe (t = 0) to the start.
        var r = JepaProcess.Run(dir, "bench", "data", "--data", "clip.mp4", "--seconds", "0.3", "--workers", "2",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "train.batch_size=2", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var top = JsonDocument.Parse(r.Stdout).RootElement;
        foreach (var key in new[] { "loader_fps", "ffmpeg_fps", "ratio", "ffmpeg_command" })
            Assert.True(top.TryGetProperty(key, out _), key); // today's keys stay
        double continuous = top.GetProperty("continuous_fps").GetDouble();
        int cores = top.GetProperty("cores").GetInt32();
        Assert.True(continuous > 0);
        Assert.Equal(Environment.ProcessorCount, cores);
        Assert.Contains("-threads 1", top.GetProperty("continuous_command").GetString());

        var rows = top.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            double clipsPerS = row.GetProperty("clips_per_s").GetDouble();
            double decodedPerDelivered = row.GetProperty("decoded_per_delivered").GetDouble();
            double limit = row.GetProperty("limit_clips_per_s").GetDouble();
            Assert.InRange(decodedPerDelivered, 15.0 / 4, 60.0 / 4); // never more than the whole video per clip
            Assert.True(row.GetProperty("cpu_s_per_clip").GetDouble() > 0);
            Assert.Equal(cores * continuous / (decodedPerDelivered * 4), limit, limit * 0.01);
            Assert.Equal(clipsPerS / limit, row.GetProperty("efficiency").GetDouble(), 0.01 * clipsPerS / limit + 1e-4);
        }
        var best = rows.MaxBy(row => row.GetProperty("clips_per_s").GetDouble());
        Assert.Equal(best.GetProperty("efficiency").GetDouble(), top.GetProperty("efficiency").GetDouble());
        Assert.Equal(best.GetProperty("limit_clips_per_s").GetDouble(), top.GetProperty("limit_clips_per_s").GetDouble());
    }

    [Fact]
    public void Bench_puts_raw_sources_and_a_prepared_corpus_side_by_side_with_both_loaders()
    {
        var dir = JepaProcess.TempDir("bench-prepared");
        Directory.CreateDirectory(Path.Combine(dir, "raw"));
        Directory.CreateDirectory(Path.Combine(dir, "ready"));
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "raw", "clip.mp4"));
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "ready", "clip.mp4"));
        File.WriteAllText(Path.Combine(dir, "ready", "manifest.csv"), "path\nclip.mp4\n");

        var r = JepaProcess.Run(dir, "bench", "data", "raw", "--prepared", "ready/manifest.csv", "--seconds", "0.2", "--workers", "2",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "data.clips_per_span=2", "--set", "train.batch_size=2", "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var top = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(2, top.GetProperty("workers").GetArrayLength()); // today's rows: the per-clip loader on the raw sources
        Assert.Equal(2, top.GetProperty("clips_per_span").GetInt32());
        var corpora = top.GetProperty("corpora").EnumerateArray().ToList();
        Assert.Equal(["raw", "prepared"], corpora.Select(c => c.GetProperty("name").GetString()));
        foreach (var corpus in corpora)
        {
            Assert.True(corpus.GetProperty("continuous_fps").GetDouble() > 0);
            var rows = corpus.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(["clips/1", "clips/2", "spans/1", "spans/2"], rows.Select(x => $"{x.GetProperty("loader").GetString()}/{x.GetProperty("workers").GetInt32()}"));
            foreach (var row in rows)
            {
                foreach (var key in new[] { "clips_per_s", "efficiency", "cpu_s_per_clip", "decoded_per_delivered", "core_efficiency", "cpu_efficiency", "ffmpeg_cpu_s_per_clip" })
                    Assert.True(row.GetProperty(key).GetDouble() > 0, key);
                // The ffmpeg children's share is part of the whole, not more.
                Assert.True(row.GetProperty("ffmpeg_cpu_s_per_clip").GetDouble() <= row.GetProperty("cpu_s_per_clip").GetDouble());
            }
            // The per-clip baseline keeps one ffmpeg thread; the span decoders take the cores the workers leave (data.decode_threads 0).
            Assert.Equal([1, 1, Math.Max(1, Environment.ProcessorCount), Math.Max(1, Environment.ProcessorCount / 2)],
                rows.Select(x => x.GetProperty("decode_threads").GetInt32()));
            // A span of 2 clips (1 s) decodes from the only keyframe (t = 0) to at most 2 s once for both: ≤ 60 frames per 8 delivered.
            Assert.InRange(rows[2].GetProperty("decoded_per_delivered").GetDouble(), 30.0 / 8, 60.0 / 8);
        }
        Assert.True(top.GetProperty("load_average_start").GetDouble() >= 0); // wall-clock figures need the load beside them
        Assert.True(top.GetProperty("load_average_end").GetDouble() >= 0);
        double best(JsonElement c, string loader) => c.GetProperty("rows").EnumerateArray().Where(x => x.GetProperty("loader").GetString() == loader).Max(x => x.GetProperty("clips_per_s").GetDouble());
        Assert.Equal(best(corpora[1], "spans") / best(corpora[0], "clips"), top.GetProperty("speedup").GetDouble(), 0.05 * top.GetProperty("speedup").GetDouble());
    }

    [Fact]
    public void Bench_table_shows_the_limit_and_the_continuous_decode_command()
    {
        var dir = JepaProcess.TempDir("bench-table");
        File.Copy(TestVideos.Testsrc30, Path.Combine(dir, "clip.mp4"));

        var r = JepaProcess.Run(dir, "bench", "data", "--data", "clip.mp4", "--seconds", "0.2", "--workers", "1",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "train.batch_size=1");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("efficiency", r.Stdout);
        Assert.Matches(@"continuous decode: \d+ frames per CPU-second", r.Stdout);
        Assert.Contains("-f null -", r.Stdout);
    }
}
