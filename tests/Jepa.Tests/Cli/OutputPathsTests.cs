using Jepa.Cli;
using Jepa.Config;

namespace Jepa.Tests.Cli;

public class OutputPathsTests
{
    [Fact]
    public void A_folder_that_is_a_file_inside_a_file_or_unwritable_is_one_sentence_naming_the_flag()
    {
        var dir = JepaProcess.TempDir("out-paths");
        var file = Path.Combine(dir, "afile");
        File.WriteAllText(file, "mine");

        Assert.Contains("--out " + file + " is a file", Assert.Throws<UsageException>(() => OutputPaths.Folder(file, "--out")).Message);
        Assert.Contains($"{file} is a file, not a folder", Assert.Throws<UsageException>(() => OutputPaths.Folder(Path.Combine(file, "sub", "deeper"), "--out")).Message);
        // /proc takes no new files, even from root.
        Assert.Contains("--out /proc/jepa-test cannot be written: no file can be created in /proc", Assert.Throws<UsageException>(() => OutputPaths.Folder("/proc/jepa-test", "--out")).Message);
        Assert.Contains($"--out {dir} is a folder; give the path of a file, such as {Path.Combine(dir, "index.csv")}",
            Assert.Throws<UsageException>(() => OutputPaths.File(dir, "--out", "index.csv")).Message);
        Assert.Contains("--out /proc/x.csv cannot be written", Assert.Throws<UsageException>(() => OutputPaths.File("/proc/x.csv", "--out", "index.csv")).Message);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public void A_folder_that_can_be_created_is_accepted_without_creating_it_or_leaving_anything_behind()
    {
        var dir = JepaProcess.TempDir("out-paths-ok");
        var wanted = Path.Combine(dir, "a", "b");

        Assert.Equal(wanted, OutputPaths.Folder(wanted, "--out"));
        Assert.Equal(Path.Combine(wanted, "x.csv"), OutputPaths.File(Path.Combine(wanted, "x.csv"), "--out", "x.csv"));
        Assert.False(Directory.Exists(Path.Combine(dir, "a")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }
}
