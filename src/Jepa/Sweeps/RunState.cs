namespace Jepa.Sweeps;

/// <summary>Where one run of a sweep stands.</summary>
public enum RunState
{
    /// <summary>Not started, or stopped before its last step and not running now.</summary>
    Pending,
    /// <summary>Its run.lock is held by a live process.</summary>
    Running,
    /// <summary>Its latest checkpoint is whole and at train.steps.</summary>
    Done,
    /// <summary>Its last training or evaluation ended with an error (sweep-failed.txt says which).</summary>
    Failed,
}
