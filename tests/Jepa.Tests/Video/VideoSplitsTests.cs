using Jepa.Config;
using Jepa.Video;
using static Jepa.Tests.Video.VideoListTests;

namespace Jepa.Tests.Video;

/// <summary>Training never sees the held-out videos of a list that holds both (issue 17, defect 3).</summary>
public class VideoSplitsTests
{
    [Fact]
    public void A_manifest_with_a_split_column_gives_train_rows_to_train_and_val_rows_to_val()
    {
        var root = Tree("split", "a.mp4", "b.mp4", "c.mp4", "d.mp4");
        var manifest = Write(root, "list.csv", "path,split\na.mp4,train\nb.mp4,val\nc.mp4,\nd.mp4,test\n");

        var train = VideoSplits.Select(manifest, "train");
        var val = VideoSplits.Select(manifest, "val");

        Assert.Equal([Path.Combine(root, "a.mp4"), Path.Combine(root, "c.mp4")], train.Videos.Select(e => e.Path));
        Assert.Equal([Path.Combine(root, "b.mp4")], val.Videos.Select(e => e.Path));
        Assert.Contains("2 videos of split 'train'", train.Note);
        Assert.Contains("1 test, 1 val set aside", train.Note);
    }

    [Fact]
    public void A_folder_with_train_and_val_subfolders_is_split_not_labelled()
    {
        var root = Tree("synthlike", "train/a.mp4", "train/b.mp4", "val/c.mp4", "manifest.csv");

        var train = VideoSplits.Select(root, "train");
        var val = VideoSplits.Select(root, "val");

        Assert.Equal(2, train.Videos.Count);
        Assert.All(train.Videos, e => Assert.Contains($"{Path.DirectorySeparatorChar}train{Path.DirectorySeparatorChar}", e.Path));
        Assert.All(train.Videos, e => Assert.Null(e.Label));
        Assert.Equal([Path.Combine(root, "val", "c.mp4")], val.Videos.Select(e => e.Path));
        Assert.Contains("val/ set aside", train.Note);
    }

    [Fact]
    public void A_split_folder_keeps_class_labels_below_its_split()
    {
        var root = Tree("splitclasses", "train/cat/a.mp4", "train/dog/b.mp4", "val/cat/c.mp4");

        Assert.Equal(["cat", "dog"], VideoSplits.Select(root, "train").Videos.Select(e => e.Label));
    }

    [Fact]
    public void Lists_without_splits_are_used_whole_and_say_nothing()
    {
        var root = Tree("nosplit", "cat/a.mp4", "dog/b.mp4");
        var manifest = Write(root, "list.csv", "path\ncat/a.mp4\n");

        Assert.Equal(2, VideoSplits.Select(root, "val").Videos.Count);
        Assert.Null(VideoSplits.Select(root, "val").Note);
        Assert.Single(VideoSplits.Select(manifest, "val").Videos);
    }

    [Fact]
    public void A_split_list_without_the_wanted_split_is_refused_unless_the_user_chose_it()
    {
        var root = Tree("onlytrain", "a.mp4", "b.mp4");
        var manifest = Write(root, "list.csv", "path,split\na.mp4,train\nb.mp4,train\n");

        var e = Assert.Throws<UsageException>(() => VideoSplits.Select(manifest, "val"));
        Assert.Contains("no rows with split 'val'", e.Message);
        Assert.Contains("2 train", e.Message);
        Assert.Equal(2, VideoSplits.Select(manifest, "val", required: false).Videos.Count);
    }
}
