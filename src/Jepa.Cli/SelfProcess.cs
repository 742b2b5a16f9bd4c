using System.Diagnostics;
using System.Reflection;

namespace Jepa.Cli;

/// <summary>How to start this same jepa again as a child process: the apphost itself, or dotnet jepa.dll.</summary>
internal static class SelfProcess
{
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this jepa executable is not known");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        // Started as `dotnet jepa.dll`, the process is dotnet: the child needs the dll named again.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }
}
