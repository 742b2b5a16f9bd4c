using System.Diagnostics;
using System.Text.Json;
using Jepa.Tests.Config;
using Jepa.Tests.TestSupport;

namespace Jepa.Tests.Cli;

/// <summary>
/// The Windows set-up scripts (scripts/*.ps1) under PowerShell 7 on Linux, as far as Linux allows: they
/// parse, and test.ps1 and quickstart.ps1 run their logic (dependency checks, the closing line read from the
/// TRX results, the quickstart's steps) against the jepa already built. winget and the win-x64 binary exist
/// only on Windows; scripts/test.sh builds the win-x64 binary.
/// </summary>
public class PowerShellScriptTests
{
    private static readonly string[] Scripts = ["install-deps.ps1", "jepa.ps1", "quickstart.ps1", "test.ps1"];

    /// <summary>pwsh on PATH or where dotnet tool install --global puts it; fails with the install command otherwise.</summary>
    private static string Pwsh()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append(Path.Combine(home, ".dotnet", "tools"))
            .Select(d => Path.Combine(d, "pwsh")).FirstOrDefault(File.Exists);
        Assert.True(found is not null,
            "pwsh (PowerShell 7) is not installed; install it with: bash scripts/install-deps.sh --with-pwsh (scripts/test.sh does), " +
            "or dotnet tool install --global PowerShell --version 7.6.9");
        return found!;
    }

    private static (int Code, string Stdout, string Stderr) Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Pwsh()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add("-NoProfile");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("pwsh " + string.Join(' ', args) + " ran over 5 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Every_powershell_script_parses_and_test_ps1_prints_the_closing_line()
    {
        var parse = Run(RepoPaths.Root, "-Command",
            string.Join("; ", Scripts.Select(s =>
                $"$e = $null; [void][System.Management.Automation.Language.Parser]::ParseFile('{Path.Combine(RepoPaths.Root, "scripts", s)}', [ref]$null, [ref]$e); " +
                $"'{s}: ' + $e.Count + ' ' + ($e -join ' | ')")));
        Assert.True(parse.Code == 0, parse.Stderr);
        foreach (var s in Scripts) Assert.Contains($"{s}: 0 ", parse.Stdout);

        // The tests already built, one small class of them, results in a folder of this test's own.
        var results = JepaProcess.TempDir("test-ps1");
        var test = Run(RepoPaths.Root, "-File", Path.Combine(RepoPaths.Root, "scripts", "test.ps1"), "-NoBuild", "-ResultsDir", results,
            "--filter", "FullyQualifiedName~Jepa.Tests.Config.ConfigFilesTests");
        Assert.True(test.Code == 0, test.Stdout + test.Stderr);
        var last = test.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.Matches(@"^[1-9]\d* passed, 0 failed$", last);
        Assert.True(File.Exists(Path.Combine(results, "results.trx")));

        var none = Run(RepoPaths.Root, "-File", Path.Combine(RepoPaths.Root, "scripts", "test.ps1"), "-NoBuild", "-ResultsDir", results,
            "--filter", "FullyQualifiedName~NoSuchTestAnywhere");
        Assert.Equal(1, none.Code);
        Assert.Contains("0 passed, 0 failed", none.Stdout);
    }

    [Fact]
    public void Quickstart_ps1_checks_the_tools_trains_and_evaluates_with_the_jepa_already_built()
    {
        var dir = JepaProcess.TempDir("quickstart-ps1");
        // The tests' small bouncing videos stand in for the 208 the quickstart generates (it skips a
        // folder that has a manifest), and 4 steps for its 1000.
        var data = Path.Combine(dir, "data");
        CopyTree(TestVideos.BouncingDir, data);
        var run = Path.Combine(dir, "run");
        var r = Run(dir, "-File", Path.Combine(RepoPaths.Root, "scripts", "quickstart.ps1"), "-NoBuild", "-Steps", "4", "-Data", data, "-RunDir", run);
        Assert.True(r.Code == 0, r.Stdout + r.Stderr);
        Assert.Contains("== checking the tools", r.Stdout);
        Assert.Contains("manifest.csv exists, skipping generation", r.Stdout);
        Assert.Contains("Prediction vs persistence", r.Stdout);
        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval", "report.json"))).RootElement;
        Assert.Equal(4, report.GetProperty("step").GetInt32());
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
