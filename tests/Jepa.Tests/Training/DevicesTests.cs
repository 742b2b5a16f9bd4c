using Jepa.Config;
using Jepa.Tests.Cli;
using Jepa.Tests.TestSupport;
using Jepa.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Tests.Training;

public sealed class DevicesTests
{
    [Theory]
    [InlineData("CPU")]
    [InlineData(" Cpu ")]
    [InlineData("cpu")]
    public void Cpu_is_accepted_in_any_case(string name)
    {
        Assert.Equal(DeviceType.CPU, Devices.Resolve(name).type);
        Assert.Equal(DeviceType.CPU, Devices.Resolve(name, "--device").type);
    }

    [Fact]
    public void Auto_is_accepted_in_any_case()
    {
        Assert.Equal(Devices.Resolve("auto").type, Devices.Resolve("Auto").type);
        Assert.Equal(Devices.Resolve("auto").type, Devices.Resolve("AUTO").type);
    }

    [Fact]
    public void A_name_that_is_no_device_is_a_usage_error_naming_the_setting()
    {
        var e = Assert.Throws<UsageException>(() => Devices.Resolve("gpu", "--device"));
        Assert.Equal("--device is 'gpu', which is not a device; use auto, cpu, cuda or cuda:N (N the GPU index).", e.Message);
        Assert.StartsWith("train.device is 'cuda:'", Assert.Throws<UsageException>(() => Devices.Resolve("cuda:")).Message);
    }

    [Fact]
    public void Cuda_without_a_gpu_advises_the_flag_or_key_the_user_set()
    {
        if (cuda.is_available()) return; // the CPU-only case cannot happen on a machine with a GPU
        var eval = Assert.Throws<UsageException>(() => Devices.Resolve("cuda", "--device")).Message;
        Assert.StartsWith("--device is 'cuda' but no CUDA device is usable here", eval);
        Assert.EndsWith("or pass --device cpu.", eval);
        Assert.DoesNotContain("train.device", eval);

        var train = Assert.Throws<UsageException>(() => Devices.Resolve("CUDA:0")).Message;
        Assert.StartsWith("train.device is 'CUDA:0' but no CUDA device is usable here", train);
        Assert.EndsWith("or set train.device=cpu (or pass --device cpu).", train);
    }

    [Fact]
    public void Upper_case_devices_get_past_the_device_checks_of_train_and_eval()
    {
        // Each run then stops, as meant, on the next thing it needs: videos.
        var dir = JepaProcess.TempDir("letter-case");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var train = JepaProcess.Run(dir, "train", "--device", "CPU", "--set", "data.train=no/such/folder", "--run-dir", "run");
        Assert.Equal(2, train.ExitCode);
        Assert.Contains("data.train", train.Stderr);
        var eval = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--device", "Cpu", "--task", "voe", "--data", "no-such.csv");
        Assert.Equal(2, eval.ExitCode);
        Assert.Contains("no-such.csv", eval.Stderr);
        Assert.DoesNotContain("device", train.Stderr + eval.Stderr);
    }

    [Fact]
    public void Eval_with_cuda_on_a_machine_without_a_gpu_exits_2_naming_its_device_flag()
    {
        if (cuda.is_available()) return;
        var dir = JepaProcess.TempDir("eval-cuda");
        var ckpt = TinyCheckpoint.Write(Path.Combine(dir, "tiny.ckpt"));
        var r = JepaProcess.Run(dir, "eval", "--checkpoint", ckpt, "--device", "cuda");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--device is 'cuda' but no CUDA device is usable here", line);
        Assert.DoesNotContain("train.device", line);
    }

    [Fact]
    public void Train_with_cuda_on_a_machine_without_a_gpu_exits_2_before_writing_anything()
    {
        if (cuda.is_available()) return;
        var dir = JepaProcess.TempDir("train-cuda");
        var r = JepaProcess.Run(dir, "train", "--device", "cuda", "--run-dir", "run");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no CUDA device is usable here", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Theory]
    [InlineData("BF16", "bf16")]
    [InlineData(" Auto ", "fp32")]
    [InlineData("tf32", "fp32")] // no TF32 on the CPU
    public void Train_precision_is_read_in_any_case_and_resolved_for_the_cpu(string setting, string runs)
    {
        Jepa.Config.ConfigLoader.Load(null, [$"train.precision={setting}"]);
        Assert.Equal(runs, Precision.Resolve(setting, CPU).Name);
    }
}

