using System.Diagnostics;
using System.Text.Json;
using Jepa.Config;
using Jepa.Data;
using Jepa.Embeddings;
using Jepa.Models;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Training;
using Jepa.Video;
using Serilog;
using static TorchSharp.torch;

namespace Jepa.Tests.Evaluation;

public class EmbedTests
{
    // Reads every .npy the index lists with numpy and prints {file: {shape, dtype, values}}.
    private const string ReadBack = """
        import csv, json, sys, numpy as np
        out, index = sys.argv[1], sys.argv[2]
        result = {}
        with open(out + "/" + index) as f:
            for row in csv.DictReader(f):
                a = np.load(out + "/" + row["file"])
                result[row["file"]] = {"shape": list(a.shape), "dtype": str(a.dtype), "values": a.astype(np.float64).ravel().tolist()}
        print(json.dumps(result))
        """;

    [Fact]
    public async Task Embed_writes_npy_files_numpy_reads_equal_to_the_model_lists_bad_videos_and_a_rerun_skips_them()
    {
        var dir = JepaProcess.TempDir("embed");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var data = Directory.CreateDirectory(Path.Combine(dir, "videos", "sub")).Parent!.FullName;
        var val = Directory.GetFiles(Path.Combine(TestVideos.BouncingDir, "val"), "*.mp4").Order().ToArray();
        File.Copy(val[0], Path.Combine(data, "a.mp4"));
        File.Copy(val[1], Path.Combine(data, "sub", "b.mp4"));
        File.Copy(TestVideos.Empty, Path.Combine(data, "broken.mp4"));
        var outDir = Path.Combine(dir, "out");

        // 16 frames at 8 fps, windows of 4 frames every 2: starts 0, 2, …, 12 (7 windows) per video.
        string[] args = ["embed", "--checkpoint", ckpt, "--data", data, "--out", outDir, "--stride", "2", "--device", "cpu"];
        var first = JepaProcess.Run(dir, args);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Contains("2 embedded, 0 already done, 1 bad", first.Stdout);
        Assert.Contains("broken.mp4,empty file", File.ReadAllText(Path.Combine(outDir, "bad_videos.csv")));

        var index = File.ReadAllLines(Path.Combine(outDir, "index.csv"));
        Assert.Equal("video,file,level,pool,shape,fps,start", index[0]);
        var rows = EmbedIndex.Read(Path.Combine(outDir, "index.csv"));
        Assert.Equal(2 * 7 * 2, rows.Count);
        Assert.Contains(rows, r => r.File == "sub/b.mp4/l2-f000012.npy" && r.Start == 1.5 && r.Shape == "2x4x32");
        Assert.All(rows, r => Assert.Equal(r.Level == 1 ? "4x16x32" : "2x4x32", r.Shape));

        var arrays = ReadWithNumpy(outDir, "index.csv");
        var (_, model) = Checkpoint.LoadModel(ckpt, CPU);
        using (model)
        {
            double worst = 0;
            foreach (var group in rows.GroupBy(r => r.Video))
            {
                var decoded = await FrameDecoder.DecodeAsync(group.Key, 0, null, 8, 32);
                foreach (var row in group)
                {
                    var got = arrays.GetProperty(row.File);
                    Assert.Equal("float32", got.GetProperty("dtype").GetString());
                    Assert.Equal(row.Shape.Split('x').Select(int.Parse), got.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
                    var expected = InProcess(model, decoded, (int)Math.Round(row.Start * 8), row.Level);
                    var values = got.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    Assert.Equal(expected.Length, values.Length);
                    worst = Math.Max(worst, expected.Zip(values, (e, v) => Math.Abs(e - v)).Max());
                }
            }
            Assert.True(worst <= 1e-5, $"numpy's arrays differ from the model's embeddings by {worst}");
        }

        // A rerun skips the finished videos (their files untouched), tries the bad one again, keeps the index whole.
        var stamps = rows.ToDictionary(r => r.File, r => File.GetLastWriteTimeUtc(Path.Combine(outDir, r.File)));
        var second = JepaProcess.Run(dir, args);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("0 embedded, 2 already done, 1 bad", second.Stdout);
        Assert.Equal(index, File.ReadAllLines(Path.Combine(outDir, "index.csv")));
        Assert.All(stamps, s => Assert.Equal(s.Value, File.GetLastWriteTimeUtc(Path.Combine(outDir, s.Key))));
    }

    [Fact]
    public async Task Clip_pooling_in_float16_for_one_shard_is_the_mean_numpy_reads_as_float16()
    {
        var dir = JepaProcess.TempDir("embed-shard");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var videos = VideoList.Resolve(Path.Combine(TestVideos.BouncingDir, "val"));
        var outDir = Path.Combine(dir, "out");
        var (header, model) = Checkpoint.LoadModel(ckpt, CPU);
        using (model)
        {
            var options = new EmbedOptions([2], EmbedPool.Clip, EmbedDtype.Float16, null, Shard.Parse("1/2"));
            var embedder = new Embedder(model, header.Config, options, CPU, new LoggerConfiguration().CreateLogger());
            embedder.Settings(ckpt, header.Step).Claim(outDir);
            var result = await embedder.RunAsync(videos, outDir, CancellationToken.None);

            // Video 1 of 2 is this shard's; side by side windows of 4 frames: 4 of them, one [D] file each.
            Assert.Equal((1, 1, 4), (result.Videos, result.Embedded, result.Files));
            Assert.EndsWith("index-1-of-2.csv", result.IndexPath);
            var rows = EmbedIndex.Read(result.IndexPath);
            Assert.All(rows, r => Assert.Equal((videos[1].Path, "clip", "32", 2), (r.Video, r.Pool, r.Shape, r.Level)));
            Assert.Equal([0, 0.5, 1, 1.5], rows.Select(r => r.Start));

            var arrays = ReadWithNumpy(outDir, "index-1-of-2.csv");
            var decoded = await FrameDecoder.DecodeAsync(videos[1].Path, 0, null, 8, 32);
            foreach (var row in rows)
            {
                var got = arrays.GetProperty(row.File);
                Assert.Equal("float16", got.GetProperty("dtype").GetString());
                Assert.Equal([32], got.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
                var tokens = InProcess(model, decoded, (int)Math.Round(row.Start * 8), 2); // [2, 4, 32]
                var mean = Enumerable.Range(0, 32).Select(d => Enumerable.Range(0, 8).Average(i => tokens[i * 32 + d])).ToArray();
                var values = got.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                // float16 keeps 11 significant bits: a relative error of at most 2^-11.
                Assert.All(mean.Zip(values), p => Assert.True(Math.Abs(p.First - p.Second) <= Math.Abs(p.First) / 2048 + 1e-6, $"{p.First} vs {p.Second}"));
            }
        }
    }

    [Fact]
    public void Two_shards_merged_equal_one_unsharded_run_and_a_missing_part_names_its_shard()
    {
        var dir = JepaProcess.TempDir("embed-merge");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var data = Directory.CreateDirectory(Path.Combine(dir, "videos")).FullName;
        var val = Directory.GetFiles(Path.Combine(TestVideos.BouncingDir, "val"), "*.mp4").Order().ToArray();
        File.Copy(val[0], Path.Combine(data, "a.mp4"));
        File.Copy(val[1], Path.Combine(data, "b.mp4"));
        File.Copy(val[1], Path.Combine(data, "c.mp4"));
        // Shard 0 gets a and c, shard 1 b and the broken file: the parts side by side are not in path order.
        File.Copy(TestVideos.Empty, Path.Combine(data, "d-broken.mp4"));
        string[] Embed(string outDir, params string[] more) =>
            ["embed", "--checkpoint", ckpt, "--data", data, "--out", outDir, "--level", "2", "--device", "cpu", .. more];

        var whole = Path.Combine(dir, "whole");
        var one = JepaProcess.Run(dir, Embed(whole));
        Assert.True(one.ExitCode == 0, one.Stdout + one.Stderr);

        var sharded = Path.Combine(dir, "sharded");
        var first = JepaProcess.Run(dir, Embed(sharded, "--shard", "0/2"));
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var early = JepaProcess.Run(dir, ["embed", "--merge", "--out", sharded]);
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("1/2 is missing; run jepa embed with --shard 1/2 first", early.Stderr);
        Assert.False(File.Exists(Path.Combine(sharded, "index.csv")));

        var second = JepaProcess.Run(dir, Embed(sharded, "--shard", "1/2"));
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        var merged = JepaProcess.Run(dir, ["embed", "--merge", "--out", sharded]);
        Assert.True(merged.ExitCode == 0, merged.Stdout + merged.Stderr);
        Assert.Contains("Merged 4 videos (3 embedded, 1 bad); 12 files", merged.Stdout);

        // The same index and bad list, line for line, and the same bytes in every .npy.
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "index.csv")), File.ReadAllLines(Path.Combine(sharded, "index.csv")));
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "bad_videos.csv")), File.ReadAllLines(Path.Combine(sharded, "bad_videos.csv")));
        var rows = EmbedIndex.Read(Path.Combine(whole, "index.csv"));
        Assert.Equal(3 * 4, rows.Count);
        Assert.All(rows, r => Assert.Equal(File.ReadAllBytes(Path.Combine(whole, r.File)), File.ReadAllBytes(Path.Combine(sharded, r.File))));
    }

    [Theory]
    [InlineData("2/2")]
    [InlineData("1")]
    [InlineData("-1/2")]
    [InlineData("0/0")]
    public void A_shard_outside_i_of_n_is_a_usage_error(string text) =>
        Assert.Throws<UsageException>(() => Shard.Parse(text));

    [Fact]
    public void A_folder_that_holds_other_files_is_never_written_into()
    {
        var dir = JepaProcess.TempDir("embed-foreign");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var settings = new EmbedSettings("/x.ckpt", 1, "1,2", "none", "float32", 4, 4, 8, 32);
        var e = Assert.Throws<UsageException>(() => settings.Claim(dir));
        Assert.Contains("not empty", e.Message);
        Assert.Equal(["notes.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_of_embeddings_made_with_other_settings_is_refused_and_one_with_the_same_is_resumed()
    {
        var dir = Path.Combine(JepaProcess.TempDir("embed-settings"), "out");
        var settings = new EmbedSettings("/x.ckpt", 1, "1,2", "none", "float32", 4, 4, 8, 32);
        settings.Claim(dir);
        settings.Claim(dir); // the same settings: resumed
        var e = Assert.Throws<UsageException>(() => (settings with { Pool = "clip", Stride = 2 }).Claim(dir));
        Assert.Contains("pool none, now clip; stride 4, now 2", e.Message);
    }

    [Fact]
    public void Windows_fit_inside_the_video_stride_apart() =>
        Assert.Equal([0, 3, 6], Embedder.WindowStarts(count: 11, windowFrames: 4, stride: 3));

    /// <summary>The online encoders' tokens of one window, computed here: level 1 [T, N1, D] or level 2 [T/chunk, N2, D], flat.</summary>
    private static double[] InProcess(HJepa model, DecodedFrames decoded, int start, int level)
    {
        using var scope = NewDisposeScope();
        var window = decoded.Rgb.AsSpan(start * decoded.FrameBytes, 4 * decoded.FrameBytes).ToArray();
        var (z1, z2) = model.EncodeOnline(ClipTensors.ToInput(window, 1, 4, 32, CPU));
        return (level == 1 ? z1 : z2).contiguous().data<float>().Select(v => (double)v).ToArray();
    }

    private static JsonElement ReadWithNumpy(string outDir, string index)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} with numpy is needed (bash scripts/install-deps.sh --with-torch, or apt-get install -y python3-numpy)");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-B", "-c", ReadBack, outDir, index }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "numpy read-back ran over a minute");
        Assert.True(process.ExitCode == 0, "numpy could not read the files: " + stderr.Result);
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }
}
