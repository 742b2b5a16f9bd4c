using Jepa.Config;

namespace Jepa.Tests.Config;

public sealed class ConfigFilesTests
{
    public static TheoryData<string> ConfigFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Configs, "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Every_config_file_loads_and_validates(string file)
    {
        var config = ConfigLoader.Load(Path.Combine(RepoPaths.Configs, file), []);
        ConfigValidator.Validate(Presets.WithResolvedModel(config), file);
    }

    [Fact]
    public void The_configs_folder_holds_the_quickstart_and_base()
    {
        var names = Directory.GetFiles(RepoPaths.Configs, "*.yaml").Select(Path.GetFileName).ToList();
        Assert.Contains("quickstart.yaml", names);
        Assert.Contains("base.yaml", names);
    }

    [Fact]
    public void Quickstart_yaml_is_the_built_in_default_run_from_the_repository_root()
    {
        // The file's data paths start at configs/ (../data/…); the defaults' start at the working directory.
        var repo = Path.GetDirectoryName(RepoPaths.Configs)!;
        Assert.Equal(ConfigPaths.Absolute(new JepaConfig(), repo), ConfigLoader.Load(Path.Combine(RepoPaths.Configs, "quickstart.yaml"), []));
    }

    [Fact]
    public void Relative_data_paths_in_a_config_file_start_at_the_files_folder_and_set_ones_at_the_working_directory()
    {
        var folder = Path.Combine(Path.GetTempPath(), "jepa-config-paths-" + Guid.NewGuid().ToString("N")[..8], "exp");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "x.yaml");
        File.WriteAllText(file, "data:\n  train: ../videos/**/*.mp4\n  val: /abs/val\n  index: idx.csv\n");

        var fromFile = ConfigLoader.Load(file, []);
        var withSet = ConfigLoader.Load(file, ["data.val=held/out"]);

        Assert.Equal(Path.Combine(Path.GetDirectoryName(folder)!, "videos", "**", "*.mp4"), fromFile.Data.Train);
        Assert.Equal("/abs/val", fromFile.Data.Val);
        Assert.Equal(Path.Combine(folder, "idx.csv"), fromFile.Data.Index);
        Assert.Equal("held/out", withSet.Data.Val); // made absolute by the command, against its working directory
        Assert.Equal(Path.GetFullPath("held/out"), ConfigPaths.Absolute(withSet, Environment.CurrentDirectory).Data.Val);
    }

    [Fact]
    public void Base_yaml_is_gpu_sized()
    {
        var c = ConfigLoader.Load(Path.Combine(RepoPaths.Configs, "base.yaml"), []);
        Assert.Equal((224, 16, 4.0), (c.Data.Size, c.Data.Frames, c.Data.Fps));
        Assert.Equal(("base", 16), (c.Model.Preset, Presets.Resolve(c.Model).StemStride));
        Assert.Equal((32, 100000, 2000, "cuda"), (c.Train.BatchSize, c.Train.Steps, c.Train.CheckpointEvery, c.Train.Device));
        Assert.Equal((6.25e-4, 2000, 0.04, 0.4, 0.998, 1.0),
            (c.Train.Lr, c.Train.WarmupSteps, c.Train.WeightDecay, c.Train.WeightDecayEnd, c.Train.EmaStart, c.Train.EmaEnd));
    }
}
