using System.CommandLine;
using Jepa.Runtime;

namespace Jepa.Cli.Commands;

internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "What is installed and usable: ffmpeg/ffprobe, torch backend, CUDA, threads, libstdc++.");
        command.SetAction((parse, ct) => CliOptions.Run(parse, _ =>
        {
            var report = Doctor.Run();
            Console.WriteLine(report.ToString());
            return Task.FromResult(report.AllOk ? 0 : 1);
        }, ct));
        return command;
    }
}
