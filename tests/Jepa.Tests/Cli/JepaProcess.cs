using System.Diagnostics;

namespace Jepa.Tests.Cli;

/// <summary>Runs the real jepa executable (built next to the tests) and captures what it prints.</summary>
internal static class JepaProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Bad usage as the project promises it: exit code 2 and one line on standard error, "error: …" naming <paramref name="mustContain"/>, no stack trace.</summary>
    public static void AssertOneSentence(Result r, string mustContain)
    {
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mustContain, line);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    public static Result Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        return Wait(process, args);
    }

    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        return Wait(process, args);
    }

    /// <summary>Starts jepa without waiting, for tests that signal or kill it.</summary>
    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    /// <summary>Starts jepa with extra environment variables (SLURM_CONF, say).</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "jepa.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Waits for a started jepa (at most 5 minutes) and collects what it printed.</summary>
    public static Result Wait(Process process, params string[] args)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("jepa " + string.Join(' ', args) + " ran over 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh empty folder for one test.</summary>
    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "jepa-cli-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
