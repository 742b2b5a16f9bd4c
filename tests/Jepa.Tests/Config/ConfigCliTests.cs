using Jepa.Tests.Cli;

namespace Jepa.Tests.Config;

/// <summary>A config the model cannot be built from stops jepa train before it writes anything.</summary>
public sealed class ConfigCliTests
{
    [Fact]
    public void Train_with_a_dim_the_stem_cannot_split_exits_2_with_one_line_and_no_run_directory()
    {
        // Before, this passed the checks and died in libtorch's GroupNorm with C++ stack frames, exit 1.
        var dir = JepaProcess.TempDir("impossible-dim");
        var r = JepaProcess.Run(dir, "train", "--set", "model.dim=100", "--run-dir", "X");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --set: 'model.dim' (100)", line);
        Assert.Contains("use a dim such as 96 or 112", line);
        Assert.False(Directory.Exists(Path.Combine(dir, "X")), "a refused config must not create the run directory");
        Assert.False(Directory.Exists(Path.Combine(dir, "runs")));
    }
}
