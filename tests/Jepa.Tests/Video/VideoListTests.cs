using Jepa.Config;
using Jepa.Tests.TestSupport;
using Jepa.Video;
using Jepa.Worlds;

namespace Jepa.Tests.Video;

// Listing never opens the videos, so these tests use empty placeholder files.
public class VideoListTests
{
    [Fact]
    public void A_folder_is_searched_recursively_for_video_extensions_in_sorted_order()
    {
        var root = Tree("folder", "b.mp4", "a.MKV", "deep/er/c.webm", "notes.txt", "deep/cover.jpg");

        var list = VideoList.Resolve(root);

        Assert.Equal(
            [Path.Combine(root, "a.MKV"), Path.Combine(root, "b.mp4"), Path.Combine(root, "deep/er/c.webm")],
            list.Select(e => e.Path));
        Assert.All(list, e => Assert.Null(e.Label));
    }

    [Fact]
    public void A_folder_per_class_tree_labels_videos_by_subfolder()
    {
        var root = Tree("classes", "cat/1.mp4", "cat/2.mp4", "dog/3.avi");

        var list = VideoList.Resolve(root);

        Assert.Equal(["cat", "cat", "dog"], list.Select(e => e.Label));
    }

    [Fact]
    public void A_folder_with_videos_at_its_top_level_is_not_labelled()
    {
        var root = Tree("mixed", "top.mp4", "cat/1.mp4");

        Assert.All(VideoList.Resolve(root), e => Assert.Null(e.Label));
    }

    [Theory]
    [InlineData("**/*.mp4", 3)]
    [InlineData("*.mp4", 1)]
    [InlineData("cat/*.mp4", 1)]
    [InlineData("*/?.mp4", 1)]
    [InlineData("*/?.*", 3)]
    [InlineData("cat/**/*.mp4", 2)]
    [InlineData("**/*.webm", 1)]
    public void A_glob_matches_with_star_question_mark_and_double_star(string pattern, int expected)
    {
        var root = Tree("glob", "top.mp4", "cat/1.mp4", "cat/deep/2.mp4", "dog/3.webm", "dog/4.mp4.txt");

        var list = VideoList.Resolve(Path.Combine(root, pattern));

        Assert.Equal(expected, list.Count);
        Assert.All(list, e => Assert.True(File.Exists(e.Path)));
    }

    [Fact]
    public void A_manifest_resolves_relative_paths_against_its_folder_and_keeps_extra_columns()
    {
        var root = Tree("manifest", "clips/a.mp4", "clips/b.mp4");
        var absolute = Path.Combine(root, "clips/b.mp4");
        var manifest = Write(root, "list.csv", $"path,label,split,camera\nclips/a.mp4,walk,train,front\n\"{absolute}\",run,val,side\n");

        var list = VideoList.Resolve(manifest);

        Assert.Equal([Path.Combine(root, "clips/a.mp4"), absolute], list.Select(e => e.Path));
        Assert.Equal(["walk", "run"], list.Select(e => e.Label));
        Assert.Equal(["train", "val"], list.Select(e => e.Split));
        Assert.Equal("side", list[1].Columns["camera"]);
        Assert.False(list[0].Columns.ContainsKey("path"));
    }

    [Fact]
    public void A_manifest_without_a_path_column_is_a_usage_error_naming_the_file()
    {
        var root = Tree("nopath", "a.mp4");
        var manifest = Write(root, "list.csv", "file,label\na.mp4,x\n");

        var e = Assert.Throws<UsageException>(() => VideoList.Resolve(manifest));

        Assert.Contains(manifest, e.Message);
        Assert.Contains("path column", e.Message);
    }

    [Fact]
    public void A_manifest_row_naming_a_missing_file_is_a_usage_error_naming_the_row()
    {
        var root = Tree("missingrow", "a.mp4");
        var manifest = Write(root, "list.csv", "path\na.mp4\ngone.mp4\n");

        var e = Assert.Throws<UsageException>(() => VideoList.Resolve(manifest));

        Assert.Contains("line 3", e.Message);
        Assert.Contains("gone.mp4", e.Message);
    }

    [Fact]
    public void A_spec_that_does_not_exist_is_a_usage_error_naming_it()
    {
        var spec = Path.Combine(TestVideos.Root, "no-such-folder");

        var e = Assert.Throws<UsageException>(() => VideoList.Resolve(spec));

        Assert.Contains(spec, e.Message);
    }

    [Fact]
    public void A_folder_or_glob_without_videos_is_a_usage_error()
    {
        var root = Tree("novideos", "readme.txt");

        Assert.Throws<UsageException>(() => VideoList.Resolve(root));
        Assert.Throws<UsageException>(() => VideoList.Resolve(Path.Combine(root, "**/*.mp4")));
    }

    [Fact]
    public void The_synthetic_manifest_lists_every_video_with_its_label_and_columns()
    {
        var manifest = Path.Combine(TestVideos.BouncingDir, "manifest.csv");

        var list = VideoList.Resolve(manifest);

        Assert.Equal(8, list.Count);
        Assert.Equal(2, VideoSplits.Select(manifest, "val").Videos.Count);
        Assert.All(list, e =>
        {
            Assert.Contains(e.Label, SynthBouncing.Speeds.Select(s => s.Name));
            Assert.Equal(["colour", "direction", "objects", "shape", "speed"], e.Columns.Keys.Order(StringComparer.Ordinal));
            Assert.Contains(e.Columns["direction"], SynthBouncing.Directions);
        });
    }

    internal static string Tree(string name, params string[] files)
    {
        var root = TestVideos.NewFolder(name);
        foreach (var f in files)
        {
            var path = Path.Combine(root, f);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, []);
        }
        return root;
    }

    internal static string Write(string root, string name, string text)
    {
        var path = Path.Combine(root, name);
        File.WriteAllText(path, text);
        return path;
    }
}
