using System.Diagnostics;
using System.Text.Json;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Training;

namespace Jepa.Tests.Training;

/// <summary>
/// Runs a user can trust (issue 17): resume keeps the run's own settings, --set changes one key of them,
/// splits are honoured, a failed start or a failed last checkpoint leaves a way on, and train.log says why
/// a run ended. Every case runs the real executable on generated videos.
/// </summary>
public class RunTrustTests
{
    // A small run described only by its config file, which sits in another folder than the working
    // directory and names its videos relative to itself.
    private static string WriteConfig(string dir, int steps, string train = "../videos/train")
    {
        var videos = Path.Combine(dir, "videos");
        if (!Directory.Exists(videos)) CopyFolder(TestVideos.BouncingDir, videos);
        var folder = Directory.CreateDirectory(Path.Combine(dir, "exp")).FullName;
        var file = Path.Combine(folder, $"small-{steps}.yaml");
        File.WriteAllText(file, $"""
            name: small
            data:
              train: {train}
              val: ../videos/val
              frames: 4
              size: 32
            model:
              dim: 32
              heads: 2
              predictor_dim: 32
              depth: 1
              predictor_depth: 1
            train:
              steps: {steps}
              batch_size: 4
              warmup_steps: 1
              checkpoint_every: 2
              threads: 1
            eval:
              every: 0
            log:
              every: 1
            """);
        return file;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static List<(int Step, double Loss)> Losses(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("step").GetInt32(), e.GetProperty("loss").GetDouble()))
            .ToList();

    private static void AssertOk(JepaProcess.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");

    // The checkpoints after step 2 gone, as if the run had been killed there.
    private static void RollBackToStep2(string run)
    {
        foreach (var f in Directory.GetFiles(Path.Combine(run, "checkpoints"), "*.ckpt"))
            if (!f.EndsWith("step-000002.ckpt", StringComparison.Ordinal)) File.Delete(f);
    }

    [Fact]
    public void Resume_auto_with_no_other_flag_continues_the_runs_own_config_and_set_changes_one_key_of_it()
    {
        var dir = JepaProcess.TempDir("own-config");
        var work = Directory.CreateDirectory(Path.Combine(dir, "elsewhere")).FullName; // not the config's folder
        var config = WriteConfig(dir, 6);
        AssertOk(JepaProcess.Run(work, "train", "--config", config, "--run-dir", "../run"));
        var run = Path.Combine(dir, "run");
        var uninterrupted = Losses(run);
        RollBackToStep2(run);

        // The hint printed after Ctrl+C, as it is: no --config, no --set.
        var resumed = JepaProcess.Run(dir, "train", "--run-dir", run, "--resume", "auto");
        AssertOk(resumed);
        Assert.Equal(uninterrupted, Losses(run)); // the same model, data and schedule: the same losses
        Assert.Equal(6, Checkpoint.ReadHeader(Path.Combine(run, "checkpoints", "latest.ckpt")).Step);

        // Past the defaults' checks (warmup 40 < steps 8 would fail there): the run's warmup is 1.
        var longer = JepaProcess.Run(dir, "train", "--run-dir", run, "--resume", "auto", "--set", "train.steps=8");
        AssertOk(longer);
        Assert.Equal(Enumerable.Range(1, 8), Losses(run).Select(l => l.Step));
        var saved = Checkpoint.ReadHeader(Path.Combine(run, "checkpoints", "latest.ckpt"));
        Assert.Equal((8L, 8, 1, 32), (saved.Step, saved.Config.Train.Steps, saved.Config.Train.WarmupSteps, saved.Config.Model.Dim));
        Assert.Equal(Path.Combine(dir, "videos", "train"), saved.Config.Data.Train);
    }

    [Fact]
    public void Resuming_a_finished_run_says_it_is_complete_instead_of_a_nan_loss()
    {
        var dir = JepaProcess.TempDir("complete");
        var config = WriteConfig(dir, 2);
        AssertOk(JepaProcess.Run(dir, "train", "--config", config, "--run-dir", "run"));

        var again = JepaProcess.Run(dir, "train", "--run-dir", "run", "--resume", "auto");

        AssertOk(again);
        Assert.Contains("already complete: step 2 of train.steps 2", again.Stdout);
        Assert.DoesNotContain("NaN", again.Stdout);
        Assert.Equal(2, Losses(Path.Combine(dir, "run")).Count);
    }

    [Fact]
    public void A_synth_folder_or_a_manifest_with_splits_trains_only_on_its_train_videos_and_says_so()
    {
        var dir = JepaProcess.TempDir("splits");
        var folder = JepaProcess.Run(dir, "train", "--config", WriteConfig(dir, 2, train: "../videos"), "--run-dir", "a");
        AssertOk(folder);
        Assert.Contains("data.train: 6 videos of train/", folder.Stdout);
        Assert.Contains("val/ set aside", folder.Stdout);
        Assert.Contains("Decoded 6 training videos", folder.Stdout);

        var manifest = JepaProcess.Run(dir, "train", "--config", WriteConfig(dir, 2, train: "../videos/manifest.csv"), "--run-dir", "b");
        AssertOk(manifest);
        Assert.Contains("data.train: 6 videos of split 'train'", manifest.Stdout);
        Assert.Contains("2 val set aside", manifest.Stdout);
        Assert.Contains("Decoded 6 training videos", manifest.Stdout);
        Assert.Contains("Decoded 6 training videos", File.ReadAllText(Path.Combine(dir, "b", "train.log")));
    }

    [Fact]
    public void A_failed_start_leaves_no_run_behind_and_its_reason_is_in_train_log()
    {
        var dir = JepaProcess.TempDir("failed-start");
        var config = WriteConfig(dir, 2);
        var failed = JepaProcess.Run(dir, "train", "--config", config, "--run-dir", "run", "--set", "data.train=no-such-videos");
        Assert.Equal(2, failed.ExitCode);
        var log = File.ReadAllText(Path.Combine(dir, "run", "train.log"));
        Assert.Contains("The run stopped", log);
        Assert.Contains("no-such-videos", log);

        // Only config.yaml, run.lock and train.log are there: a fresh start needs no flag.
        AssertOk(JepaProcess.Run(dir, "train", "--config", config, "--run-dir", "run"));
        Assert.Equal(2, Losses(Path.Combine(dir, "run")).Count);
    }

    [Fact]
    public async Task A_last_checkpoint_that_cannot_be_written_fails_the_run_with_a_resume_command_that_works_when_pasted()
    {
        var dir = JepaProcess.TempDir("lastckpt");
        var config = WriteConfig(dir, 4);
        var run = Path.Combine(dir, "it's a run");
        var checkpoints = Directory.CreateDirectory(Path.Combine(run, "checkpoints")).FullName;
        // A folder where step 4's temporary file must go: the write fails as on a full disk.
        var block = Directory.CreateDirectory(Path.Combine(checkpoints, "step-000004.ckpt.tmp")).FullName;

        var r = JepaProcess.Run(dir, "train", "--config", config, "--run-dir", run);

        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("Done:", r.Stdout);
        Assert.Contains("the checkpoint of step 4 could not be written", r.Stderr);
        Assert.Contains("step-000002.ckpt", r.Stderr);
        Assert.Contains("could not be written", File.ReadAllText(Path.Combine(run, "train.log")));

        Directory.Delete(block);
        var command = r.Stderr[r.Stderr.IndexOf("jepa train", StringComparison.Ordinal)..].Split('\n')[0].Trim();
        command = command.EndsWith(" (run with --verbose for details)", StringComparison.Ordinal) ? command[..command.LastIndexOf(" (run", StringComparison.Ordinal)] : command;
        var dll = Path.Combine(AppContext.BaseDirectory, "jepa.dll");
        var shell = new ProcessStartInfo("bash", ["-c", $"jepa() {{ dotnet '{dll}' \"$@\"; }}; {command}"]) { WorkingDirectory = "/", RedirectStandardOutput = true, RedirectStandardError = true };
        using var pasted = Process.Start(shell)!;
        var output = pasted.StandardOutput.ReadToEndAsync();
        var errors = pasted.StandardError.ReadToEndAsync();
        Assert.True(pasted.WaitForExit(TimeSpan.FromMinutes(3)));
        Assert.True(pasted.ExitCode == 0, $"{command}\n{await output}\n{await errors}");
        Assert.Equal(4, Checkpoint.ReadHeader(Path.Combine(checkpoints, "latest.ckpt")).Step);
        Assert.Equal([1, 2, 3, 4], Losses(run).Select(l => l.Step));
    }

    [Fact]
    public void A_non_finite_stop_before_any_checkpoint_says_so_and_how_to_continue()
    {
        var dir = JepaProcess.TempDir("nan-none");
        var config = WriteConfig(dir, 50);
        var r = JepaProcess.Run(dir, "train", "--config", config, "--run-dir", "run",
            "--set", "train.lr=1e30", "--set", "train.min_lr=0", "--set", "train.max_bad_steps=2", "--set", "train.checkpoint_every=1000");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no checkpoint was written yet", r.Stderr);
        Assert.DoesNotContain("checkpoint is none", r.Stderr);
        Assert.Contains("--resume auto --set train.lr=5E+29", r.Stderr);
        Assert.Contains("non-finite steps in a row", File.ReadAllText(Path.Combine(dir, "run", "train.log")));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("proc")]
    public void A_run_directory_that_cannot_be_created_is_one_sentence_naming_the_flag(string where)
    {
        var dir = JepaProcess.TempDir("badrundir");
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "x");
        var runDir = where == "file" ? Path.Combine(file, "run") : "/proc/jepa-run";

        var r = JepaProcess.Run(dir, "train", "--config", WriteConfig(dir, 2), "--run-dir", runDir);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot be created", r.Stderr);
        Assert.Contains("--run-dir", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("/plain/run-1.2", "/plain/run-1.2")]
    [InlineData("/my runs/a", "'/my runs/a'")]
    [InlineData("/it's", "'/it'\\''s'")]
    public void The_resume_command_quotes_a_run_directory_for_the_shell(string dir, string quoted)
    {
        Assert.Equal($"jepa train --run-dir {quoted} --resume auto", ResumeCommand.For(dir));
    }
}
