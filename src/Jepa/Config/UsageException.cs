namespace Jepa.Config;

/// <summary>
/// A mistake the user can fix: a bad config key or value, a missing file, a bad argument.
/// The message is one sentence (what, where, what to do); the CLI prints it alone and exits 2.
/// </summary>
public sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
