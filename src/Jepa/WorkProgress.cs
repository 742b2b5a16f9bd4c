namespace Jepa;

/// <summary>How far one stage of a long piece of work is: <paramref name="Done"/> of <paramref name="Total"/> units.</summary>
/// <param name="Stage">a short name shown beside the count, e.g. <c>decode</c> or <c>voe</c></param>
/// <param name="Unit">what is counted, plural, e.g. <c>videos</c></param>
public readonly record struct WorkProgress(string Stage, int Done, int Total, string Unit);

/// <summary>
/// Counts the finished units of one stage, from any thread, and reports every new count to a sink; with no
/// sink it does nothing. Creating it reports 0 done, so a watcher sees the stage start before its first unit.
/// </summary>
public sealed class StageCounter
{
    private readonly IProgress<WorkProgress>? _sink;
    private readonly string _stage;
    private readonly string _unit;
    private readonly int _total;
    private int _done;

    public StageCounter(IProgress<WorkProgress>? sink, string stage, int total, string unit)
    {
        _sink = sink;
        _stage = stage;
        _total = total;
        _unit = unit;
        sink?.Report(new WorkProgress(stage, 0, total, unit));
    }

    /// <summary>Adds <paramref name="units"/> finished units.</summary>
    public void Add(int units = 1)
    {
        if (_sink is null)
            return;
        int done = Interlocked.Add(ref _done, units);
        _sink.Report(new WorkProgress(_stage, done, _total, _unit));
    }
}
