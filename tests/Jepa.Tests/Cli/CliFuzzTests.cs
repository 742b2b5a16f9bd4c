using Jepa.Config;
using Jepa.Tests.Config;

namespace Jepa.Tests.Cli;

public class CliFuzzTests
{
    [Fact]
    public void Malformed_configs_given_to_jepa_train_exit_2_with_one_sentence_and_no_stack_trace()
    {
        var dir = JepaProcess.TempDir("cli-fuzz");
        var quickstart = File.ReadAllText(Path.Combine(RepoPaths.Configs, "quickstart.yaml"));
        int tried = 0;
        for (int seed = 1000; tried < 12 && seed < 2000; seed++)
        {
            var yaml = ConfigFuzzTests.Mutate(quickstart, new Random(seed));
            var path = Path.Combine(dir, $"m{seed}.yaml");
            File.WriteAllText(path, yaml);
            try
            {
                ConfigLoader.Load(path, []);
                continue; // a mutation that is still a valid config would start training: not this test's case
            }
            catch (UsageException)
            {
            }
            tried++;
            var r = JepaProcess.Run(dir, "train", "--config", path);
            Assert.True(r.ExitCode == 2, $"seed {seed}: exit {r.ExitCode}\n{r.Stderr}");
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line);
            Assert.DoesNotContain("   at ", r.Stderr);
        }
        Assert.Equal(12, tried);
    }
}
