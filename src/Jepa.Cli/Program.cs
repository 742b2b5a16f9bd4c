using System.CommandLine;
using Jepa.Cli;
using Jepa.Cli.Commands;

// The libstdc++ fix must run before TorchSharp loads its native library (PLATFORM.md).
Jepa.Runtime.LibStdCxxFix.Ensure();

var root = new RootCommand("jepa: train and evaluate hierarchical JEPA video world models on ordinary video files.");
root.Options.Add(CliOptions.Verbose);
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
return await root.Parse(args).InvokeAsync();
