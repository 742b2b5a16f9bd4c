using Jepa.Config;
using Jepa.Tests.TestSupport;
using Jepa.Training;

namespace Jepa.Tests.Training;

public class CheckpointTests
{
    private static string Write(string name) =>
        TinyCheckpoint.Write(Path.Combine(Directory.CreateTempSubdirectory("ckpt").FullName, name));

    [Fact]
    public void A_checkpoint_of_another_format_version_is_named_as_such_and_a_flipped_byte_as_damage()
    {
        var other = Write("old.ckpt");
        var bytes = File.ReadAllBytes(other);
        // Header: the magic as a length-prefixed string (1 + 8 bytes), then the format version (int32).
        Assert.Equal(Checkpoint.FormatVersion, BitConverter.ToInt32(bytes, 9));
        BitConverter.GetBytes(1).CopyTo(bytes, 9);
        File.WriteAllBytes(other, bytes);

        var damaged = Write("damaged.ckpt");
        bytes = File.ReadAllBytes(damaged);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(damaged, bytes);

        Assert.Equal(TinyCheckpoint.Step, Checkpoint.ReadHeader(Write("whole.ckpt")).Step);
        var e = Assert.Throws<UsageException>(() => Checkpoint.LoadModel(other, TorchSharp.torch.CPU));
        Assert.Contains("has format version 1, this jepa reads version " + Checkpoint.FormatVersion, e.Message);
        Assert.Contains("its checksum does not match", Assert.Throws<UsageException>(() => Checkpoint.ReadHeader(damaged)).Message);
    }
}
