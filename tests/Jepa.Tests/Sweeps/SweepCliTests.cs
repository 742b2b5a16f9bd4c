using System.Diagnostics;
using System.Text.Json;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Sweeps;

/// <summary>jepa sweep on this machine, killed for real and continued; jepa sweep status.</summary>
public class SweepCliTests
{
    private const string First = "train.lr-0.001_seed-0";

    private static string[] Sweep(params string[] more) =>
    [
        "sweep", "--out", "sw",
        "--set", $"data.train={TestVideos.BouncingDir}/train", "--set", $"data.val={TestVideos.BouncingDir}/val",
        "--set", "train.steps=8", "--set", "train.checkpoint_every=2",
        "--set", "data.size=32", "--set", "data.frames=4", "--set", "model.dim=32", "--set", "model.heads=2",
        "--set", "model.predictor_dim=32", "--set", "model.depth=1", "--set", "model.predictor_depth=1",
        "--set", "train.batch_size=4", "--set", "train.warmup_steps=1", "--set", "log.every=1",
        "--set", "train.threads=1", "--set", "eval.every=0", "--set", "eval.clips=4",
        "--grid", "train.lr=0.001,0.002", "--seeds", "0,1", .. more,
    ];

    private static List<(int Step, double Loss)> Losses(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("step").GetInt32(), e.GetProperty("loss").GetDouble()))
            .ToList();

    private static List<JsonElement> Status(string dir)
    {
        var r = JepaProcess.Run(dir, "sweep", "status", "sw", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("runs").EnumerateArray().ToList();
    }

    [Fact]
    public void A_sweep_killed_with_sigkill_and_started_again_finishes_every_run_and_resumes_the_interrupted_one_exactly()
    {
        var dir = JepaProcess.TempDir("sweep");
        var sweep = JepaProcess.Start(dir, Sweep());
        var checkpoint = Path.Combine(dir, "sw", "runs", First, "checkpoints", "step-000002.ckpt");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !sweep.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(10);
        sweep.Kill(entireProcessTree: true); // the sweep and its child trainer, as when a machine goes down
        sweep.WaitForExit();

        var killed = Status(dir);
        Assert.Equal(4, killed.Count);
        Assert.Equal(["pending", "pending", "pending", "pending"], killed.Select(r => r.GetProperty("state").GetString()));
        Assert.InRange(killed[0].GetProperty("step").GetInt64(), 2, 7);
        Assert.Equal(8, killed[0].GetProperty("steps").GetInt64());
        Assert.Equal(0, killed[3].GetProperty("step").GetInt64());

        var again = JepaProcess.Run(dir, Sweep());
        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}\n{again.Stdout}\n{again.Stderr}");
        Assert.Contains("Resumed from", again.Stdout);
        var done = Status(dir);
        Assert.All(done, r => Assert.Equal("done", r.GetProperty("state").GetString()));
        Assert.All(done, r => Assert.Equal(8, r.GetProperty("step").GetInt64()));

        var results = File.ReadAllLines(Path.Combine(dir, "sw", "results.csv"));
        Assert.Equal(5, results.Length);
        var header = results[0].Split(',');
        Assert.Contains("final_loss", header);
        var ratio = Array.IndexOf(header, "l1_h1_ratio");
        Assert.True(ratio > 0, results[0]);
        Assert.All(results.Skip(1), row => Assert.InRange(double.Parse(row.Split(',')[ratio], System.Globalization.CultureInfo.InvariantCulture), 0.5, 1.5));

        var markdown = File.ReadAllLines(Path.Combine(dir, "sw", "results.md"));
        Assert.Equal(6, markdown.Length);
        Assert.StartsWith("| name | train.lr | seed | step | final_loss |", markdown[0]);

        // The same resolved config trained without interruption gives the same losses, step for step.
        var runDir = Path.Combine(dir, "sw", "runs", First);
        var plain = JepaProcess.Run(dir, "train", "--config", Path.Combine(runDir, "config.yaml"), "--run-dir", "plain");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        var expected = Losses(Path.Combine(dir, "plain"));
        var actual = Losses(runDir);
        Assert.Equal(expected.Select(e => e.Step), actual.Select(a => a.Step));
        foreach (var (e, a) in expected.Zip(actual)) Assert.True(Math.Abs(e.Loss - a.Loss) <= 1e-5, $"step {e.Step}: {e.Loss} vs {a.Loss}");

        // Another grid into the same folder is refused, naming the flag that differs.
        var other = JepaProcess.Run(dir, [.. Sweep(), "--grid", "train.min_lr=0"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds another sweep", other.Stderr);
        Assert.Contains("--grid train.min_lr=0", other.Stderr);
    }

    [Fact]
    public void Dry_run_writes_nothing_and_prints_the_sbatch_script_with_on_slurm()
    {
        var dir = JepaProcess.TempDir("sweep-dry");
        var dry = JepaProcess.Run(dir, Sweep("--dry-run"));
        Assert.True(dry.ExitCode == 0, dry.Stderr);
        Assert.Contains(First, dry.Stdout);
        Assert.Contains("4 runs", dry.Stdout);
        Assert.False(Directory.Exists(Path.Combine(dir, "sw")));

        var slurm = JepaProcess.Run(dir, Sweep("--on", "slurm", "--dry-run", "--parallel", "2", "--partition", "gpu", "--account", "lab",
            "--time", "4:00:00", "--cpus", "8", "--signal-before", "300", "--sbatch-arg=--mem=32G"));
        Assert.True(slurm.ExitCode == 0, slurm.Stderr);
        foreach (var line in new[]
                 {
                     "#SBATCH --array=0-3%2", "#SBATCH --gres=gpu:1", "#SBATCH --cpus-per-task=8", "#SBATCH --partition=gpu", "#SBATCH --account=lab",
                     "#SBATCH --time=4:00:00", "#SBATCH --requeue", "#SBATCH --signal=B:TERM@300", "#SBATCH --open-mode=append", "#SBATCH --mem=32G",
                 })
            Assert.Contains(line, slurm.Stdout);
        Assert.Matches(@"(?m)^exec .*jepa\.dll sweep task \S*/sw$", slurm.Stdout);
        Assert.False(Directory.Exists(Path.Combine(dir, "sw")));

        var localOnly = JepaProcess.Run(dir, Sweep("--partition", "gpu"));
        Assert.Equal(2, localOnly.ExitCode);
        Assert.Contains("--partition is for --on slurm", localOnly.Stderr);
        var nowhere = JepaProcess.Run(dir, Sweep("--on", "cloud"));
        Assert.Equal(2, nowhere.ExitCode);
        Assert.Contains("give local or slurm", nowhere.Stderr);
        var noTask = JepaProcess.Run(dir, "sweep", "task", dir);
        Assert.Equal(2, noTask.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(dir, "sw")));

        var badGrid = JepaProcess.Run(dir, Sweep("--grid", "train.nope=1,2"));
        Assert.Equal(2, badGrid.ExitCode);
        Assert.Contains("train.nope", badGrid.Stderr);
    }

    [Fact]
    public void Parallel_runs_train_at_the_same_time_with_the_cores_split_between_them()
    {
        var dir = JepaProcess.TempDir("sweep-parallel");
        string[] args =
        [
            "sweep", "--out", "sw", "--parallel", "2", "--no-eval",
            "--set", $"data.train={TestVideos.BouncingDir}/train", "--set", $"data.val={TestVideos.BouncingDir}/val",
            "--set", "train.steps=12", "--set", "train.checkpoint_every=12",
            "--set", "data.size=32", "--set", "data.frames=4", "--set", "model.dim=32", "--set", "model.heads=2",
            "--set", "model.predictor_dim=32", "--set", "model.depth=1", "--set", "model.predictor_depth=1",
            "--set", "train.batch_size=4", "--set", "train.warmup_steps=1", "--set", "log.every=1", "--set", "eval.every=0",
            "--grid", "train.lr=0.001,0.002",
        ];
        var sweep = JepaProcess.Run(dir, args);
        Assert.True(sweep.ExitCode == 0, $"exit {sweep.ExitCode}\n{sweep.Stdout}\n{sweep.Stderr}");
        // Several children write at once: each line carries its run's name.
        Assert.Contains("[train.lr-0.001] ", sweep.Stdout);
        Assert.Contains("[train.lr-0.002] ", sweep.Stdout);

        var threads = Math.Max(1, Environment.ProcessorCount / 2);
        var spans = new List<(DateTime Start, DateTime End)>();
        foreach (var name in new[] { "train.lr-0.001", "train.lr-0.002" })
        {
            var log = File.ReadAllLines(Path.Combine(dir, "sw", "runs", name, "train.log"));
            Assert.Contains(log, l => l.Contains($" {threads} torch threads", StringComparison.Ordinal));
            Assert.Contains(log, l => l.Contains("Done: 12 steps", StringComparison.Ordinal));
            static DateTime At(string line) => DateTime.ParseExact(line[..23], "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            spans.Add((At(log[0]), At(log[^1])));
        }
        // Both trained at the same time: each started before the other ended.
        Assert.True(spans[0].Start < spans[1].End && spans[1].Start < spans[0].End, $"runs did not overlap: {spans[0]} and {spans[1]}");
        var results = File.ReadAllLines(Path.Combine(dir, "sw", "results.csv"));
        Assert.Equal(3, results.Length);
    }
}
