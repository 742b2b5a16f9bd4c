namespace Jepa.Tests.Cli;

public class CliErrorTests
{
    [Fact]
    public void Train_with_a_missing_config_file_exits_2_with_one_sentence()
    {
        var dir = JepaProcess.TempDir("missing-config");
        var r = JepaProcess.Run(dir, "train", "--config", "nope.yaml");
        JepaProcess.AssertOneSentence(r, "nope.yaml");
    }

    [Fact]
    public void Train_with_an_unknown_key_exits_2_naming_the_file_and_key()
    {
        var dir = JepaProcess.TempDir("unknown-key");
        File.WriteAllText(Path.Combine(dir, "x.yaml"), "train:\n  stpes: 10\n");
        var r = JepaProcess.Run(dir, "train", "--config", "x.yaml");
        JepaProcess.AssertOneSentence(r, "train.stpes");
        Assert.Contains("x.yaml", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "runs")), "a bad config must not create a run directory");
    }

    [Fact]
    public void Train_with_a_bad_set_exits_2()
    {
        var dir = JepaProcess.TempDir("bad-set");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "train", "--set", "train.steps"), "train.steps");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "train", "--set", "train.steps=abc"), "train.steps");
    }

    [Fact]
    public void Train_on_a_folder_without_videos_exits_2_naming_the_key()
    {
        var dir = JepaProcess.TempDir("no-videos");
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        var r = JepaProcess.Run(dir, "train", "--set", "data.train=empty", "--set", "train.steps=2", "--set", "train.warmup_steps=1");
        JepaProcess.AssertOneSentence(r, "data.train");
    }

    [Fact]
    public void Train_on_a_data_path_that_does_not_exist_exits_2_naming_the_key_and_path()
    {
        var dir = JepaProcess.TempDir("missing-data");
        var r = JepaProcess.Run(dir, "train", "--set", "data.train=no/such/folder", "--set", "train.steps=2", "--set", "train.warmup_steps=1");
        JepaProcess.AssertOneSentence(r, "data.train");
        Assert.Contains("no/such/folder", r.Stderr);
    }

    [Fact]
    public void Eval_of_a_missing_checkpoint_exits_2()
    {
        var dir = JepaProcess.TempDir("missing-ckpt");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", "none.ckpt"), "none.ckpt");
    }

    [Fact]
    public void Eval_of_a_file_that_is_not_a_checkpoint_exits_2()
    {
        var dir = JepaProcess.TempDir("bad-ckpt");
        File.WriteAllText(Path.Combine(dir, "bad.ckpt"), "hello");
        JepaProcess.AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", "bad.ckpt"), "bad.ckpt");
    }

    [Fact]
    public void Doctor_reports_ffmpeg_and_torch_and_exits_0()
    {
        var r = JepaProcess.Run(AppContext.BaseDirectory, "doctor");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("ffmpeg", r.Stdout);
        Assert.Contains("2.10", r.Stdout);
    }
}

public class CliUsageTests
{
    [Fact]
    public void An_unknown_option_or_command_exits_2_with_one_sentence()
    {
        var dir = JepaProcess.TempDir("usage");
        foreach (var args in new[] { new[] { "train", "--bogus" }, new[] { "frobnicate" } })
        {
            var r = JepaProcess.Run(dir, args);
            Assert.Equal(2, r.ExitCode);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line);
            Assert.Contains("--help", line);
        }
    }
}
