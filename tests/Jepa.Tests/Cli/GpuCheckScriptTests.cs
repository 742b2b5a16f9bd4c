using System.Diagnostics;
using System.Text.Json;
using Jepa.Tests.Config;

namespace Jepa.Tests.Cli;

/// <summary>scripts/gpu-check.sh is prepared on the CPU: its dry run must produce the whole summary.</summary>
public class GpuCheckScriptTests
{
    [Fact]
    public async Task The_gpu_check_dry_run_on_the_cpu_writes_a_summary_with_benchmarks_and_both_training_runs()
    {
        var dir = JepaProcess.TempDir("gpu-check");
        var dll = Path.Combine(AppContext.BaseDirectory, "jepa.dll");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var a in new[] { "scripts/gpu-check.sh", "--device", "cpu", "--quick", "--out", dir, "--jepa", $"dotnet {dll}" }) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "gpu-check ran over 5 minutes");
        Assert.True(p.ExitCode == 0, await stdout + await stderr);

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        Assert.Equal(0, summary.GetProperty("doctor_exit").GetInt32());
        var rows = summary.GetProperty("bench").EnumerateArray().ToList();
        Assert.Equal(["bf16", "fp32"], rows.Select(r => r.GetProperty("precision").GetString()).Order());
        Assert.All(rows, r => Assert.True(r.GetProperty("jepa").GetProperty("steps_per_s").GetDouble() > 0));
        foreach (var x in new[] { "fp32", "bf16" })
        {
            var run = summary.GetProperty("training").GetProperty(x);
            Assert.Equal(0, run.GetProperty("exit").GetInt32());
            Assert.Equal(4, run.GetProperty("losses").GetArrayLength());
            Assert.All(run.GetProperty("losses").EnumerateArray(), l => Assert.True(double.IsFinite(l.GetDouble())));
        }
        Assert.Contains("| tiny | bf16 |", File.ReadAllText(Path.Combine(dir, "summary.md")));
    }
}
