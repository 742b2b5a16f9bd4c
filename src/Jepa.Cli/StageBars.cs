using Jepa;

namespace Jepa.Cli;

/// <summary>
/// The progress of a command whose work comes in stages (decode, predict, voe, …): one bar per stage, labelled
/// with the command and the stage, each ending when the next begins. The library reports to it as an
/// <see cref="IProgress{T}"/>; a report of 0 done starts a new bar even when the stage's name repeats
/// (the probe videos' decode, then the held-out videos').
/// </summary>
internal sealed class StageBars(ProgressMode mode, string command) : IProgress<WorkProgress>, IDisposable
{
    private readonly Lock _gate = new();
    private ProgressBar? _bar;
    private string? _stage;

    public void Report(WorkProgress value)
    {
        lock (_gate)
        {
            if (_bar is null || _stage != value.Stage || value.Done == 0)
            {
                _bar?.Dispose();
                _bar = ProgressBar.Start(mode, $"{command} {value.Stage}", value.Total, value.Unit);
                _stage = value.Stage;
            }
            _bar.Report(value.Done);
        }
    }

    /// <summary>Ends the bar on screen, so what is printed next starts on a line of its own.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            _bar?.Dispose();
            _bar = null;
            _stage = null;
        }
    }

    public void Dispose() => Finish();
}
