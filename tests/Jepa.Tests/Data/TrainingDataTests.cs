using Jepa.Config;
using Jepa.Data;
using Jepa.Tests.TestSupport;
using Serilog.Core;

namespace Jepa.Tests.Data;

public class TrainingDataTests
{
    [Theory]
    [InlineData(1024, false)]
    [InlineData(0, true)]
    public async Task A_folder_mixing_good_and_broken_videos_trains_on_the_good_and_lists_every_bad_one(int cacheMb, bool streaming)
    {
        var (folder, good, bad) = OddVideos.MixedFolder($"train-mixed-{cacheMb}");
        var runDir = TestVideos.NewFolder("run");
        var data = new DataConfig { Train = folder, Frames = 8, Fps = 8, Size = 32, CacheMb = cacheMb, Workers = 2 };

        var opened = await TrainingData.OpenAsync(data, runDir, Logger.None, CancellationToken.None);
        using var loader = opened.Loader(data, 4, seed: 0, firstStep: 0);
        var (batch, clips, _) = loader.Next(CancellationToken.None);

        Assert.Equal(streaming, opened.Streaming);
        Assert.Equal(good.Count, opened.Source.FrameCounts.Count);
        Assert.Equal(4 * 8 * 32 * 32 * 3, batch.Length);
        Assert.All(clips, c => Assert.InRange(c.Video, 0, good.Count - 1));
        var listed = File.ReadAllLines(Path.Combine(runDir, "bad_videos.csv")).Skip(1).Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal);
        Assert.Equal(bad.Keys.Order(StringComparer.Ordinal), listed);
        Assert.Equal(streaming, File.Exists(Path.Combine(runDir, "index.csv")));
    }

    [Fact]
    public void Span_decoders_take_the_cores_the_workers_leave_free_except_on_a_cpu_run_and_a_set_number_wins()
    {
        int cores = Environment.ProcessorCount;
        var auto = new DataConfig();
        Assert.Equal(Math.Max(1, cores), TrainingData.DecodeThreadsFor(auto, workers: 1, trainsOnCpu: false));
        Assert.Equal(Math.Max(1, cores / 2), TrainingData.DecodeThreadsFor(auto, workers: 2, trainsOnCpu: false));
        Assert.Equal(1, TrainingData.DecodeThreadsFor(auto, workers: cores + 1, trainsOnCpu: false));
        Assert.Equal(1, TrainingData.DecodeThreadsFor(auto, workers: 1, trainsOnCpu: true)); // libtorch needs the cores
        Assert.Equal(3, TrainingData.DecodeThreadsFor(auto with { DecodeThreads = 3 }, workers: 1, trainsOnCpu: true));
        Assert.Equal(3, TrainingData.DecodeThreadsFor(auto with { DecodeThreads = 3 }, workers: 8, trainsOnCpu: false));
        // A run's share of a bigger machine (JEPA_CPUS: a SLURM job's CPUs, a sweep's --parallel share).
        Assert.Equal(2, TrainingData.DecodeThreadsFor(auto, workers: 2, trainsOnCpu: false, cores: 4));
        Assert.Equal(1, TrainingData.DecodeThreadsFor(auto, workers: 2, trainsOnCpu: true, cores: 4));
    }

    [Fact]
    public void The_cores_of_a_run_are_JEPA_CPUS_when_set_and_a_bad_value_is_refused_in_one_sentence()
    {
        Assert.Equal(Math.Max(1, Environment.ProcessorCount), TrainingData.CoresFrom(null));
        Assert.Equal(Math.Max(1, Environment.ProcessorCount), TrainingData.CoresFrom(""));
        Assert.Equal(4, TrainingData.CoresFrom("4"));
        foreach (var bad in new[] { "0", "-2", "four", "1.5" })
        {
            var e = Assert.Throws<UsageException>(() => TrainingData.CoresFrom(bad));
            Assert.Equal($"JEPA_CPUS is '{bad}'; it must be a whole number of at least 1 (the cores this run may use), or unset to use every core.", e.Message);
        }
    }

    [Fact]
    public async Task A_folder_of_only_broken_videos_stops_at_once_with_one_sentence()
    {
        var (folder, good, _) = OddVideos.MixedFolder("train-none");
        foreach (var g in good) File.Delete(g);
        var data = new DataConfig { Train = folder, Frames = 8, Fps = 8, Size = 32, CacheMb = 0 };

        var e = await Assert.ThrowsAsync<UsageException>(() =>
            TrainingData.OpenAsync(data, TestVideos.NewFolder("run-none"), Logger.None, CancellationToken.None));

        Assert.StartsWith("data.train: none of the 5 videos is usable", e.Message);
    }
}
