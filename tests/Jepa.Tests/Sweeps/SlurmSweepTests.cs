using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Sweeps;

/// <summary>
/// jepa sweep --on slurm against a real one-node SLURM started by the test (no mock): a 3-run array job,
/// one task preempted (scontrol requeue), the other sent the time-limit signal (SIGTERM to the batch shell
/// only, as --signal=B:TERM@N does); both finish, resume exactly, and the results table lists them.
/// </summary>
public class SlurmSweepTests
{
    private const int Steps = 60;
    private static readonly string[] Runs = ["train.lr-0.001", "train.lr-0.002", "train.lr-0.003"];

    private static string[] Sweep() =>
    [
        "sweep", "--out", "sw", "--on", "slurm", "--gpus", "0", "--cpus", "1", "--time", "10:00",
        "--set", $"data.train={TestVideos.BouncingDir}/train", "--set", $"data.val={TestVideos.BouncingDir}/val",
        "--set", $"train.steps={Steps}", "--set", "train.checkpoint_every=4",
        "--set", "data.size=32", "--set", "data.frames=4", "--set", "model.dim=32", "--set", "model.heads=2",
        "--set", "model.predictor_dim=32", "--set", "model.depth=1", "--set", "model.predictor_depth=1",
        "--set", "train.batch_size=4", "--set", "train.warmup_steps=1", "--set", "log.every=1",
        "--set", "eval.every=0", "--set", "eval.clips=4",
        "--grid", "train.lr=0.001,0.002,0.003",
    ];

    private static List<(int Step, double Loss)> Losses(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("step").GetInt32(), e.GetProperty("loss").GetDouble()))
            .ToList();

    /// <summary>
    /// Polls every run at once and acts on each as soon as its first checkpoint exists: the tasks run side by
    /// side, so waiting for one and then the other let a fast machine finish (and rotate away) the second first.
    /// </summary>
    private static void OnFirstCheckpoint(string sw, SlurmCluster cluster, Dictionary<string, Action> actions)
    {
        var clock = Stopwatch.StartNew();
        while (actions.Count > 0)
        {
            foreach (var (run, act) in actions.ToList())
            {
                var dir = Path.Combine(sw, "runs", run, "checkpoints");
                if (!Directory.Exists(dir) || !Directory.EnumerateFiles(dir, "step-*.ckpt").Any()) continue;
                Assert.False(File.Exists(Path.Combine(sw, "runs", run, "checkpoints", $"step-{Steps:D6}.ckpt")), $"{run} finished before the test could interrupt it");
                act();
                actions.Remove(run);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"no checkpoint of {string.Join(", ", actions.Keys)} appeared in 2 minutes\n{cluster.Logs()}");
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void A_sweep_on_a_real_one_node_slurm_survives_preemption_and_the_time_limit_signal_and_resumes_exactly()
    {
        var dir = JepaProcess.TempDir("slurm-sweep");
        var sw = Path.Combine(dir, "sw");
        using var cluster = SlurmCluster.Start();

        var submit = JepaProcess.Run(dir, cluster.Environment, Sweep());
        Assert.True(submit.ExitCode == 0, $"exit {submit.ExitCode}\n{submit.Stdout}\n{submit.Stderr}");
        var job = Regex.Match(submit.Stdout, @"Submitted array job (\d+)").Groups[1].Value;
        Assert.True(job.Length > 0, submit.Stdout);
        var script = File.ReadAllText(Path.Combine(sw, "sweep.sbatch"));
        foreach (var line in new[] { "#SBATCH --array=0-2", "#SBATCH --requeue", "#SBATCH --signal=B:TERM@120", "#SBATCH --open-mode=append", "#SBATCH --cpus-per-task=1", "#SBATCH --time=10:00" })
            Assert.Contains(line, script);
        Assert.DoesNotContain("--gres", script);

        // Task 0 is preempted the way SLURM preempts (requeue: TERM to every process, the job back in the
        // queue); task 1 gets what the time limit sends (SIGTERM to jepa, the batch shell, alone) and must
        // requeue itself. Both after a checkpoint, well before their last step.
        OnFirstCheckpoint(sw, cluster, new()
        {
            [Runs[0]] = () =>
            {
                var requeue = cluster.RunTool("scontrol", "requeue", $"{job}_0");
                Assert.True(requeue.ExitCode == 0, requeue.Stderr);
            },
            [Runs[1]] = () =>
            {
                var signal = cluster.RunTool("scancel", "--batch", "--signal=TERM", $"{job}_1");
                Assert.True(signal.ExitCode == 0, signal.Stderr);
            },
        });

        Assert.True(cluster.WaitForEmptyQueue(TimeSpan.FromMinutes(4)), $"the array job did not finish in 4 minutes\n{cluster.Logs()}");
        for (int i = 0; i < 2; i++)
        {
            var output = File.ReadAllText(Path.Combine(sw, "slurm", $"{job}_{i}.out"));
            var fields = cluster.Job($"{job}_{i}");
            Assert.True(fields["JobState"] == "COMPLETED", $"task {i}: {fields["JobState"]}\n{output}");
            Assert.Equal("1", fields["Restarts"]);
            // --open-mode=append: both attempts in one file; the second resumed from the checkpoint.
            Assert.Contains($"array task {i}, restart 0", output);
            Assert.Contains($"array task {i}, restart 1", output);
            Assert.Contains("Resumed from", output);
            // SLURM_CPUS_PER_TASK=1 gave the run one torch thread (its config says 0: all cores).
            Assert.Contains("1 torch threads", File.ReadAllText(Path.Combine(sw, "runs", Runs[i], "train.log")));
        }
        Assert.Contains("Requeued SLURM job", File.ReadAllText(Path.Combine(sw, "slurm", $"{job}_1.out")));

        var status = JepaProcess.Run(dir, "sweep", "status", "sw", "--json");
        Assert.True(status.ExitCode == 0, status.Stderr);
        var runs = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.All(runs, r => Assert.Equal("done", r.GetProperty("state").GetString()));
        Assert.All(runs, r => Assert.Equal(Steps, r.GetProperty("step").GetInt64()));
        var results = File.ReadAllLines(Path.Combine(sw, "results.csv"));
        Assert.Equal(4, results.Length);
        var ratio = Array.IndexOf(results[0].Split(','), "l1_h1_ratio");
        Assert.True(ratio > 0, results[0]);
        Assert.All(results.Skip(1), row => Assert.InRange(double.Parse(row.Split(',')[ratio], CultureInfo.InvariantCulture), 0.3, 2.0));

        // Task 2 ran without interruption.
        Assert.Equal("0", cluster.Job($"{job}_2")["Restarts"]);
        Assert.Equal("COMPLETED", cluster.Job($"{job}_2")["JobState"]);

        // Each interrupted run's losses equal the same config trained without interruption, step for step.
        foreach (var name in Runs.Take(2))
        {
            var runDir = Path.Combine(sw, "runs", name);
            var plain = JepaProcess.Run(dir, "train", "--config", Path.Combine(runDir, "config.yaml"), "--run-dir", "plain-" + name,
                "--set", "train.threads=1", "--set", "data.workers=1");
            Assert.True(plain.ExitCode == 0, plain.Stderr);
            var expected = Losses(Path.Combine(dir, "plain-" + name));
            var actual = Losses(runDir);
            Assert.Equal(expected.Select(e => e.Step), actual.Select(a => a.Step));
            foreach (var (e, a) in expected.Zip(actual)) Assert.True(Math.Abs(e.Loss - a.Loss) <= 1e-5, $"{name} step {e.Step}: {e.Loss} vs {a.Loss}");
        }

        // The same command again submits nothing: every run is done.
        var again = JepaProcess.Run(dir, cluster.Environment, Sweep());
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("Every run is done; nothing submitted", again.Stdout);
    }
}
