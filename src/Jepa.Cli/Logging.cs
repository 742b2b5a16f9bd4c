using Serilog;
using Serilog.Events;

namespace Jepa.Cli;

/// <summary>Serilog sinks: the console always, a run's log file when there is one.</summary>
internal static class Logging
{
    public static Serilog.Core.Logger Create(bool verbose, string? file = null)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}");
        if (file is not null)
            config = config.WriteTo.File(file, outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}");
        return config.CreateLogger();
    }
}
