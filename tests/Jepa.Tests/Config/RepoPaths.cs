namespace Jepa.Tests.Config;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding jepa.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Configs => Path.Combine(Root, "configs");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "jepa.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no jepa.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>A temporary folder for config files, deleted with the test class.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jepa-config-tests-" + Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    /// <summary>Writes <paramref name="text"/> to a new file and returns its path.</summary>
    public string Write(string text, string name = "config.yaml")
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a leftover temp folder must not fail a test
    }
}
