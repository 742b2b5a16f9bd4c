namespace Jepa.Video;

/// <summary>
/// One video of a list: its absolute path, optional label and split (from a manifest, or the label
/// from a folder-per-class tree), and any other manifest columns by header name.
/// </summary>
public sealed record VideoEntry(string Path, string? Label, string? Split, IReadOnlyDictionary<string, string> Columns);
