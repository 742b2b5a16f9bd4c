namespace Jepa.Tests.Video;

public class VideoLayerTests
{
    [Fact]
    public void The_video_layer_never_touches_TorchSharp()
    {
        // Layering rule (ARCHITECTURE.md): Config and Video sit below tensors, so they can be used and
        // tested without libtorch. Checked on the sources, since Jepa.Core as a whole references TorchSharp.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "jepa.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var sources = Directory.GetFiles(Path.Combine(dir.FullName, "src", "Jepa", "Video"), "*.cs", SearchOption.AllDirectories);

        Assert.NotEmpty(sources);
        Assert.All(sources, f => Assert.DoesNotContain("TorchSharp", File.ReadAllText(f)));
    }

    [Fact]
    public void The_video_layer_does_not_need_the_synthetic_worlds()
    {
        // The worlds write their frames through Video (ARCHITECTURE.md: "a folder of their own beside
        // Video, which writes their frames to files but is not needed by them").
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "jepa.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var sources = Directory.GetFiles(Path.Combine(dir.FullName, "src", "Jepa", "Video"), "*.cs", SearchOption.AllDirectories);

        Assert.NotEmpty(sources);
        Assert.All(sources, f => Assert.DoesNotContain("Jepa.Worlds", File.ReadAllText(f)));
        Assert.All(sources, f => Assert.DoesNotContain("Synth", Path.GetFileName(f)));
    }
}
