using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Jepa.Tests.TestSupport;
using Jepa.Training;

namespace Jepa.Tests.Cli;

/// <summary>jepa prepare for real: mixed good and broken sources, reruns, SIGKILL, training from its manifest.</summary>
public class PrepareCliTests
{
    // 4 frames at 8 fps (a 0.5-s clip, so the 0.4-s file is too short), 32 px: outputs a 32-px short side (data.size), a keyframe every 4 frames.
    private static readonly string[] Small = ["--set", "data.fps=8", "--set", "data.frames=4", "--set", "data.size=32"];

    private static string[] Prepare(string outDir, string source, params string[] more) =>
        ["prepare", source, "--out", outDir, .. Small, .. more];

    private static void AssertOk(JepaProcess.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");

    private static string Run(string exe, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} {string.Join(' ', args)}: {stderr}");
        return stdout.Result;
    }

    private static List<string[]> ManifestRows(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "manifest.csv")).Skip(1).Select(l => l.Split(',')).ToList();

    // Decodes every frame: a file cut short or without its index fails here or gives fewer frames.
    private static int DecodedFrames(string file)
    {
        var text = Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file);
        return int.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, (DateTime, string)> Snapshot(string dir) =>
        Directory.EnumerateFiles(Path.Combine(dir, "videos"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(f), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    [Fact]
    public void Prepare_lists_broken_sources_with_index_reasons_writes_the_asked_format_and_a_second_run_does_nothing()
    {
        var (folder, good, bad) = OddVideos.MixedFolder("prepare-mixed");
        var outDir = JepaProcess.TempDir("prepare-mixed-out");
        var r = JepaProcess.Run(outDir, Prepare(outDir, folder, "--progress", "never"));
        AssertOk(r);
        foreach (var (path, reason) in bad)
            Assert.Contains($"{path}: {reason}", r.Stdout);
        var badCsv = File.ReadAllLines(Path.Combine(outDir, "bad_sources.csv"));
        Assert.Equal(1 + bad.Count, badCsv.Length);
        Assert.Contains("Prepared 2, skipped 0 already prepared, 5 bad", r.Stdout);

        var rows = ManifestRows(outDir);
        Assert.Equal(2, rows.Count);
        Assert.Equal(good.Order(StringComparer.Ordinal), rows.Select(x => x[13]).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var file = Path.Combine(outDir, row[0]);
            var stream = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,pix_fmt,width,height,avg_frame_rate,has_b_frames", "-of", "json", file);
            var s = JsonDocument.Parse(stream).RootElement.GetProperty("streams")[0];
            Assert.Equal("h264", s.GetProperty("codec_name").GetString());
            Assert.Equal("yuv420p", s.GetProperty("pix_fmt").GetString());
            Assert.Equal("8/1", s.GetProperty("avg_frame_rate").GetString());
            Assert.Equal(0, s.GetProperty("has_b_frames").GetInt32());
            Assert.Equal(32, Math.Min(s.GetProperty("width").GetInt32(), s.GetProperty("height").GetInt32()));
            // Every frame is I or P, and the keyframes are exactly frames 0, 4, 8, … (GOP = data.frames).
            var types = Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pict_type,key_frame", "-of", "csv=p=0", file)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(',')).ToList();
            Assert.All(types, t => Assert.Contains(t[1], new[] { "I", "P" }));
            Assert.Equal(Enumerable.Range(0, types.Count).Where(i => i % 4 == 0), Enumerable.Range(0, types.Count).Where(i => types[i][0] == "1"));
            // 2 s (testsrc) and 1.5 s (VP9) of source at 8 fps.
            Assert.Equal(row[13].EndsWith(".mp4") ? 16 : 12, types.Count);
            Assert.Equal(types.Count.ToString(CultureInfo.InvariantCulture), row[8]);
        }

        // Again: nothing is transcoded, nothing under videos/ is touched.
        var before = Snapshot(outDir);
        var manifest = File.ReadAllText(Path.Combine(outDir, "manifest.csv"));
        var again = JepaProcess.Run(outDir, Prepare(outDir, folder, "--progress", "never"));
        AssertOk(again);
        Assert.Contains("Prepared 0, skipped 2 already prepared, 5 bad", again.Stdout);
        Assert.Equal(before, Snapshot(outDir));
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(outDir, "manifest.csv")));

        // A source that changes is made again; the other is left alone.
        File.SetLastWriteTimeUtc(good[0], DateTime.UtcNow.AddMinutes(-1));
        var changed = JepaProcess.Run(outDir, Prepare(outDir, folder, "--progress", "never"));
        AssertOk(changed);
        Assert.Contains("Prepared 1 (1 redone: source or settings changed), skipped 1 already prepared", changed.Stdout);
    }

    [Fact]
    public void Prepare_killed_with_sigkill_midway_and_run_again_finishes_with_every_output_whole()
    {
        var src = TestVideos.NewFolder("prepare-kill-src");
        var four = TestVideos.Make($"testsrc-4s-{Guid.NewGuid():N}.mp4",
            "-f", "lavfi", "-i", "testsrc2=s=80x48:r=30:d=4", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        for (int i = 0; i < 6; i++)
            File.Copy(four, Path.Combine(src, $"v{i}.mp4"));
        var outDir = JepaProcess.TempDir("prepare-kill");
        // Segments of 2 s (the shortest allowed: four 0.5-s clips), so each source makes two files.
        var args = Prepare(outDir, src, "--workers", "1", "--progress", "never", "--segment-seconds", "2");

        var first = JepaProcess.Start(outDir, args);
        var videos = Path.Combine(outDir, "videos");
        var clock = Stopwatch.StartNew();
        bool Finished() => Directory.Exists(videos) && Directory.EnumerateDirectories(videos).Any(d => !Path.GetFileName(d).StartsWith('.'));
        while (!Finished() && !first.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(5);
        first.Kill(entireProcessTree: true); // jepa and its ffmpeg, as when a machine goes down
        first.WaitForExit();
        Assert.True(Finished(), "the first source should have been finished before the kill");
        int done = Directory.EnumerateDirectories(videos).Count(d => !Path.GetFileName(d).StartsWith('.'));
        Assert.True(done < 6, "the kill should come before the last source");
        Assert.False(File.Exists(Path.Combine(outDir, "manifest.csv")), "a run that did not finish writes no manifest");

        var again = JepaProcess.Run(outDir, args);
        AssertOk(again);
        Assert.Contains($"skipped {done} already prepared", again.Stdout);
        Assert.DoesNotContain(Directory.EnumerateDirectories(videos), d => Path.GetFileName(d).StartsWith('.'));
        var rows = ManifestRows(outDir);
        Assert.Equal(6, rows.Select(x => x[13]).Distinct().Count());
        // 4 s at 8 fps cut at the keyframe at 2 s: two whole files of 16 frames per source.
        foreach (var group in rows.GroupBy(x => x[13]))
        {
            Assert.Equal(["0", "2"], group.Select(x => x[14]));
            Assert.All(group, x => Assert.Equal(16, DecodedFrames(Path.Combine(outDir, x[0]))));
        }
    }

    [Fact]
    public void Training_from_the_prepared_manifest_uses_its_splits_and_resumes_exactly_after_sigkill()
    {
        var outDir = JepaProcess.TempDir("prepare-train");
        AssertOk(JepaProcess.Run(outDir, Prepare(Path.Combine(outDir, "prepared"), TestVideos.BouncingDir, "--progress", "never")));
        var manifest = Path.Combine(outDir, "prepared", "manifest.csv");
        Assert.Equal(8, ManifestRows(Path.Combine(outDir, "prepared")).Count);

        // Streamed (data.cache_mb=0), as a prepared corpus too large for memory is read.
        string[] Train(string runDir, params string[] more) =>
        [
            "train", "--run-dir", runDir, "--set", $"data.train={manifest}", "--set", $"data.val={manifest}",
            "--set", "data.cache_mb=0", "--set", "train.steps=12",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "model.dim=32", "--set", "model.heads=2",
            "--set", "model.predictor_dim=32", "--set", "model.depth=1", "--set", "model.predictor_depth=1",
            "--set", "train.batch_size=4", "--set", "train.warmup_steps=1", "--set", "log.every=1",
            "--set", "train.checkpoint_every=2", "--set", "train.threads=1", "--set", "eval.every=0", .. more,
        ];
        var full = JepaProcess.Run(outDir, Train("full"));
        AssertOk(full);
        Assert.Contains("6 videos of split 'train'", full.Stdout);
        Assert.Contains("2 val set aside", full.Stdout);

        var killed = JepaProcess.Start(outDir, Train("killed"));
        var ckpt = Path.Combine(outDir, "killed", "checkpoints", "step-000004.ckpt");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(ckpt) && !killed.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
        killed.Kill(entireProcessTree: true);
        killed.WaitForExit();
        Assert.True(File.Exists(ckpt), "the run should have written a checkpoint before the kill");
        AssertOk(JepaProcess.Run(outDir, Train("killed", "--resume", "auto")));

        static List<(int, double)> Losses(string runDir) =>
            File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("step").GetInt32(), e.GetProperty("loss").GetDouble())).ToList();
        var expected = Losses(Path.Combine(outDir, "full"));
        var actual = Losses(Path.Combine(outDir, "killed"));
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Item1));
        foreach (var (e, a) in expected.Zip(actual)) Assert.True(Math.Abs(e.Item2 - a.Item2) <= 1e-5, $"step {e.Item1}: {e.Item2} vs {a.Item2}");
        foreach (var f in Directory.GetFiles(Path.Combine(outDir, "killed", "checkpoints"), "*.ckpt"))
            Assert.True(Checkpoint.IsValid(f, out var problem), problem);
    }

    [Fact]
    public void Two_shards_merged_equal_one_unsharded_run_and_each_shard_cleans_up_only_its_own_leftovers()
    {
        var src = TestVideos.NewFolder("prepare-shards");
        File.Copy(TestVideos.Testsrc30, Path.Combine(src, "a.mp4"));
        File.Copy(TestVideos.Testsrc30, Path.Combine(src, "b.mp4"));
        File.Copy(TestVideos.Testsrc30, Path.Combine(src, "c.mp4"));
        // Shard 0 gets a and c, shard 1 b and the broken file: the parts side by side are not in path order.
        File.Copy(TestVideos.Empty, Path.Combine(src, "d-broken.mp4"));
        var outDir = JepaProcess.TempDir("prepare-shards-out");
        // What a killed shard 1 and a killed unsharded run left: shard 0 must not touch either.
        var theirs = Directory.CreateDirectory(Path.Combine(outDir, "videos", ".partial-@1-of-2-b-1234-0")).FullName;
        var whole = Directory.CreateDirectory(Path.Combine(outDir, "videos", ".partial-b-1234-0")).FullName;

        var first = JepaProcess.Run(outDir, Prepare(outDir, src, "--shard", "0/2", "--progress", "never"));
        AssertOk(first);
        Assert.Contains("Preparing 2 sources (shard 0/2 of 4)", first.Stdout);
        Assert.Contains("Prepared 2, skipped 0 already prepared, 0 bad", first.Stdout);
        Assert.True(Directory.Exists(theirs) && Directory.Exists(whole), "shard 0 removed another run's temporary folder");
        Assert.False(File.Exists(Path.Combine(outDir, "manifest.csv")));
        var early = JepaProcess.Run(outDir, ["prepare", "--merge", "--out", outDir]);
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("1/2 is missing; run jepa prepare with --shard 1/2 first", early.Stderr);

        var second = JepaProcess.Run(outDir, Prepare(outDir, src, "--shard", "1/2", "--progress", "never"));
        AssertOk(second);
        Assert.Contains("Prepared 1, skipped 0 already prepared, 1 bad", second.Stdout);
        Assert.Contains("removed 1 unfinished outputs", second.Stdout);
        Assert.False(Directory.Exists(theirs));
        Assert.DoesNotContain("belong to no source", second.Stdout); // shard 0's folder is not an orphan
        var merged = JepaProcess.Run(outDir, ["prepare", "--merge", "--out", outDir]);
        AssertOk(merged);
        Assert.Contains("Merged 3 videos from 3 sources (1 bad sources)", merged.Stdout);
        var manifest = File.ReadAllText(Path.Combine(outDir, "manifest.csv"));
        var bad = File.ReadAllText(Path.Combine(outDir, "bad_sources.csv"));

        // One unsharded run over the same folder finds everything done and writes the very same files.
        var one = JepaProcess.Run(outDir, Prepare(outDir, src, "--progress", "never"));
        AssertOk(one);
        Assert.Contains("Prepared 0, skipped 3 already prepared, 1 bad", one.Stdout);
        Assert.Contains("removed 1 unfinished outputs", one.Stdout);
        Assert.False(Directory.Exists(whole));
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(outDir, "manifest.csv")));
        Assert.Equal(bad, File.ReadAllText(Path.Combine(outDir, "bad_sources.csv")));
        Assert.Equal(["a.mp4", "b.mp4", "c.mp4"], ManifestRows(outDir).Select(r => Path.GetFileName(r[13])));
    }

    [Fact]
    public void Shards_hold_their_own_locks_so_they_run_at_once_but_never_twice_nor_beside_an_unsharded_run()
    {
        var dir = JepaProcess.TempDir("prepare-locks");
        using var zero = Jepa.Video.Prepare.CorpusPreparer.Lock(dir, new Jepa.Embeddings.Shard(0, 2));
        using var one = Jepa.Video.Prepare.CorpusPreparer.Lock(dir, new Jepa.Embeddings.Shard(1, 2));
        var e = Assert.Throws<Jepa.Config.UsageException>(() => Jepa.Video.Prepare.CorpusPreparer.Lock(dir, new Jepa.Embeddings.Shard(0, 2)));
        Assert.Contains("--shard 0/2", e.Message);
        // An unsharded run (or a merge) waits until no shard is at work, and shards wait for it.
        Assert.Throws<Jepa.Config.UsageException>(() => Jepa.Video.Prepare.CorpusPreparer.Lock(dir));
        zero.Dispose();
        one.Dispose();
        using (Jepa.Video.Prepare.CorpusPreparer.Lock(dir))
            Assert.Throws<Jepa.Config.UsageException>(() => Jepa.Video.Prepare.CorpusPreparer.Lock(dir, new Jepa.Embeddings.Shard(1, 2)));
        using var again = Jepa.Video.Prepare.CorpusPreparer.Lock(dir, new Jepa.Embeddings.Shard(1, 2));
    }

    [Fact]
    public void An_out_folder_inside_a_source_folder_is_refused_before_anything_is_written()
    {
        var src = TestVideos.NewFolder("prepare-inside");
        File.Copy(TestVideos.Testsrc30, Path.Combine(src, "a.mp4"));
        var r = JepaProcess.Run(src, Prepare(Path.Combine(src, "prepared"), src));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is inside the source folder", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(src, "prepared")));
    }
}
