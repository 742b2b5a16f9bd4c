using System.Diagnostics;
using Jepa.Tests.Config;

namespace Jepa.Tests.Reference;

/// <summary>
/// Runs the PyTorch twin (scripts/reference) with Debian's Python, whose python3-torch and python3-numpy
/// scripts/test.sh installs. Not the python3 first on PATH: that may be another Python without torch.
/// </summary>
internal static class ReferencePython
{
    public const string Python = "/usr/bin/python3";

    public static string Scripts => Path.Combine(RepoPaths.Root, "scripts", "reference");

    private static readonly Lazy<string?> TorchProblem = new(() => Probe("numpy", "torch"));
    private static readonly Lazy<string?> YamlProblem = new(() => Probe("yaml"));

    /// <summary>Fails the test (never skips it) with how to install torch when the twin cannot run here.</summary>
    public static void RequireTorch()
    {
        if (TorchProblem.Value is { } problem)
            Assert.Fail($"the PyTorch twin needs Debian's python3-torch and python3-numpy for {Python} ({problem}); " +
                        "install them with: bash scripts/install-deps.sh --with-torch (or: apt-get install -y python3-torch python3-numpy)");
    }

    /// <summary>Fails the test with how to install PyYAML when the twin's config loader cannot read YAML here.</summary>
    public static void RequireYaml()
    {
        if (YamlProblem.Value is { } problem)
            Assert.Fail($"the PyTorch twin's config loader needs Debian's python3-yaml for {Python} ({problem}); " +
                        "install it with: bash scripts/install-deps.sh --with-torch (or: apt-get install -y python3-yaml)");
    }

    /// <summary>Runs scripts/reference/<paramref name="script"/> and returns what it printed; at most 2 minutes.</summary>
    public static PythonResult Run(string script, params string[] args) =>
        RunPython([Path.Combine(Scripts, script), .. args]);

    private static string? Probe(params string[] modules)
    {
        if (!File.Exists(Python)) return $"{Python} does not exist";
        var r = RunPython(["-c", "import " + string.Join(", ", modules)]);
        return r.ExitCode == 0 ? null : r.Stderr.Trim().Split('\n')[^1];
    }

    private static PythonResult RunPython(IReadOnlyList<string> args)
    {
        // -B: no __pycache__ folders left in the source tree.
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-B");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {string.Join(' ', args)} ran over 2 minutes");
        }
        return new PythonResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}

internal sealed record PythonResult(int ExitCode, string Stdout, string Stderr);
