using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Jepa.Cli;

/// <summary>Serilog sinks: the console always, a run's log file when there is one.</summary>
internal static class Logging
{
    private const string ConsoleTemplate = "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}";

    public static Logger Create(bool verbose, string? file = null)
    {
        var console = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Console(outputTemplate: ConsoleTemplate).CreateLogger();
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Sink(new AboveProgressBar(console));
        if (file is not null)
            config = config.WriteTo.File(file, outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}");
        return config.CreateLogger();
    }

    // Console lines go above a progress bar on the same terminal: the bar is erased, the line written, the bar drawn again.
    private sealed class AboveProgressBar(Logger console) : ILogEventSink, IDisposable
    {
        public void Emit(LogEvent logEvent)
        {
            if (ProgressBar.Active is { } bar)
                bar.Around(() => console.Write(logEvent));
            else
                console.Write(logEvent);
        }

        public void Dispose() => console.Dispose();
    }
}
