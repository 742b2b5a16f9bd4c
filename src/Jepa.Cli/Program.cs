using System.CommandLine;
using System.Runtime.InteropServices;
using Jepa.Cli;
using Jepa.Cli.Commands;

// The libstdc++ fix must run before TorchSharp loads its native library (PLATFORM.md).
Jepa.Runtime.LibStdCxxFix.Ensure();
Jepa.Runtime.OpenMpWait.Ensure();

var root = new RootCommand("jepa: train and evaluate hierarchical JEPA video world models on ordinary video files.");
root.Options.Add(CliOptions.Verbose);
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(IndexCommand.Create());
root.Subcommands.Add(PrepareCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(PlanCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Bad usage is exit 2 with one sentence, like a bad config (ARCHITECTURE.md, exit codes).
    var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
    var help = parse.CommandResult.Command == root ? "jepa --help" : $"jepa {parse.CommandResult.Command.Name} --help";
    Console.Error.WriteLine($"error: {error.Message.TrimEnd('.')}; see '{help}'.");
    return 2;
}

// Ctrl+C or SIGTERM (SLURM preemption with --signal=TERM@…) asks the command to stop: training finishes
// the step in flight, writes latest.ckpt and exits 130. A second Ctrl+C ends the process at once.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (stop.IsCancellationRequested) return; // second press: let the runtime end the process
    e.Cancel = true;
    ProgressBar.Active?.Clear();
    Console.Error.WriteLine("stopping after the current step (Ctrl+C again to stop at once)...");
    stop.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
// Windows: .NET maps Ctrl+Break to SIGQUIT there; it checkpoints and exits 130 as Ctrl+C does. (On Linux
// SIGQUIT keeps its usual meaning.)
using var brk = OperatingSystem.IsWindows()
    ? PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    })
    : null;
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);
