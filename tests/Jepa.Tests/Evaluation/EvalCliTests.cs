using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Evaluation;

public class EvalCliTests
{
    private static void AssertOneSentence(JepaProcess.Result r, string mustContain)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(mustContain, lines[0]);
    }

    [Fact]
    public void Unknown_tasks_missing_data_missing_columns_and_one_sided_groups_exit_2_with_one_sentence()
    {
        var dir = JepaProcess.TempDir("eval-errors");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        File.WriteAllText(Path.Combine(dir, "a.mp4"), "x");
        File.WriteAllText(Path.Combine(dir, "nocol.csv"), "path,group\na.mp4,1\n");
        File.WriteAllText(Path.Combine(dir, "onesided.csv"), "path,group,plausible\na.mp4,7,0\n");
        File.WriteAllText(Path.Combine(dir, "pairs.csv"), "path,group,plausible\na.mp4,1,1\na.mp4,1,0\n");

        AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "physics"), "--task 'physics' is not known");
        AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe"), "--task voe needs --data");
        AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "nocol.csv"), "no plausible column");
        AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "onesided.csv"), "group '7' needs at least one plausible");
        // The checkpoint's model sees 4 frames: a frame can be predicted from at most 3.
        AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "pairs.csv", "--min-context", "4"), "--min-context 4 is out of range for this checkpoint; give 1 to 3");
        AssertOneSentence(JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--task", "voe", "--data", "pairs.csv", "--min-context", "0"), "--min-context 0 is out of range");
    }
}
