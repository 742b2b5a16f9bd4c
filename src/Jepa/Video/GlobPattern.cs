using System.Text;
using System.Text.RegularExpressions;

namespace Jepa.Video;

/// <summary>
/// A file glob: <c>*</c> and <c>?</c> within one path segment, <c>**</c> across segments.
/// Written here because Microsoft.Extensions.FileSystemGlobbing is not among the project's packages.
/// </summary>
internal sealed class GlobPattern
{
    /// <summary>The folder the pattern is rooted at: the segments before the first wildcard, made absolute.</summary>
    public string BaseDir { get; }

    private readonly Regex _relative;
    private readonly bool _recursive;

    private GlobPattern(string baseDir, Regex relative, bool recursive)
    {
        BaseDir = baseDir;
        _relative = relative;
        _recursive = recursive;
    }

    /// <summary>True when <paramref name="spec"/> has a wildcard character.</summary>
    public static bool IsGlob(string spec) => spec.IndexOfAny(['*', '?']) >= 0;

    /// <summary>Splits <paramref name="spec"/> into a fixed base folder and a pattern for the rest.</summary>
    public static GlobPattern Parse(string spec)
    {
        var normalised = spec.Replace('\\', '/');
        var segments = normalised.Split('/');
        int firstWild = Array.FindIndex(segments, IsGlob);
        var baseDir = string.Join('/', segments[..firstWild]);
        var rest = segments[firstWild..];
        if (baseDir.Length == 0)
            baseDir = normalised.StartsWith('/') ? "/" : ".";
        var regex = new StringBuilder("^");
        for (int i = 0; i < rest.Length; i++)
        {
            bool last = i == rest.Length - 1;
            if (rest[i] == "**")
            {
                // "a/**/b" matches a/b as well as a/x/y/b; a trailing "**" matches everything below.
                regex.Append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }
            foreach (char c in rest[i])
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            if (!last)
                regex.Append('/');
        }
        regex.Append('$');
        // File names are case-insensitive on Windows only; match the file system.
        var options = RegexOptions.CultureInvariant | (OperatingSystem.IsWindows() ? RegexOptions.IgnoreCase : 0);
        return new GlobPattern(Path.GetFullPath(baseDir), new Regex(regex.ToString(), options),
            recursive: rest.Length > 1 || rest.Contains("**"));
    }

    /// <summary>True when the file at <paramref name="path"/> would match (it need not exist).</summary>
    public bool Matches(string path)
    {
        var relative = Path.GetRelativePath(BaseDir, Path.GetFullPath(path));
        if (relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
            return false;
        if (!_recursive && relative.Contains(Path.DirectorySeparatorChar))
            return false;
        return _relative.IsMatch(relative.Replace('\\', '/'));
    }

    /// <summary>Absolute paths of the files under <see cref="BaseDir"/> that match; none if it does not exist.</summary>
    public IEnumerable<string> Files()
    {
        if (!Directory.Exists(BaseDir))
            return [];
        var options = new EnumerationOptions { RecurseSubdirectories = _recursive, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(BaseDir, "*", options)
            .Where(f => _relative.IsMatch(Path.GetRelativePath(BaseDir, f).Replace('\\', '/')));
    }
}
