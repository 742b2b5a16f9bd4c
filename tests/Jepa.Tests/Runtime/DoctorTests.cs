using Jepa.Runtime;

namespace Jepa.Tests.Runtime;

public sealed class DoctorTests
{
    // One real run shared by the assertions: it starts ffmpeg twice and loads libtorch.
    static readonly Lazy<DoctorReport> Report = new(Doctor.Run);

    DoctorLine Line(string item) => Assert.Single(Report.Value.Lines, l => l.Item == item);

    [Theory]
    [InlineData("ffmpeg")]
    [InlineData("ffprobe")]
    public void Doctor_finds_the_ffmpeg_tools_with_path_and_version(string tool)
    {
        var line = Line(tool);
        Assert.Equal(DoctorStatus.Ok, line.Status);
        Assert.Contains(Path.DirectorySeparatorChar + tool, line.Detail);
        Assert.Contains($"{tool} version", line.Detail);
    }

    [Fact]
    public void Doctor_finds_torch_with_both_versions()
    {
        var line = Line("torch");
        Assert.Equal(DoctorStatus.Ok, line.Status);
        Assert.Contains("TorchSharp 0.107", line.Detail);
        Assert.Contains("libtorch 2.", line.Detail);
    }

    [Fact]
    public void Doctor_reports_cuda_threads_and_libstdcxx()
    {
        Assert.NotEqual(DoctorStatus.Fail, Line("cuda").Status);
        Assert.Contains($"{Environment.ProcessorCount} core(s)", Line("threads").Detail);
        Assert.Equal(DoctorStatus.Ok, Line("libstdc++").Status);
    }

    [Fact]
    public void Doctor_is_all_ok_here_and_prints_a_table()
    {
        Assert.True(Report.Value.AllOk, Report.Value.ToString());
        var text = Report.Value.ToString();
        Assert.StartsWith("item", text);
        Assert.Contains("ffprobe", text);
        Assert.EndsWith("everything jepa needs is here.", text);
    }

    [Fact]
    public void A_missing_tool_fails_the_report()
    {
        var report = new DoctorReport([new DoctorLine("ffmpeg", DoctorStatus.Fail, "x"), new DoctorLine("cuda", DoctorStatus.Warn, "y")]);
        Assert.False(report.AllOk);
        Assert.True(new DoctorReport([new DoctorLine("cuda", DoctorStatus.Warn, "y")]).AllOk);
    }

    [Fact]
    public void The_install_hint_names_a_package_command()
    {
        Assert.Contains("ffmpeg", Doctor.InstallFfmpegHint(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(Doctor.FindOnPath("surely-not-a-real-tool-" + Guid.NewGuid().ToString("N")));
    }
}
