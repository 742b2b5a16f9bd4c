using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Jepa.Data;

/// <summary>uint8 clips as the model's input: float, channels first, normalised, with each clip's crop and flip.</summary>
public static class ClipTensors
{
    // ImageNet statistics, as V-JEPA and most video encoders use; public so that `jepa export` states them.
    /// <summary>Per-channel (RGB) mean subtracted from pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Mean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>Per-channel (RGB) standard deviation the centred pixels are divided by.</summary>
    public static IReadOnlyList<float> Std { get; } = [0.229f, 0.224f, 0.225f];

    /// <param name="batch">[B, T, S, S, 3] uint8, row-major</param>
    /// <param name="clips">the view of each clip (crop box, flip); null or identity views skip resampling</param>
    /// <returns>[B, T, 3, S, S] float32 on <paramref name="device"/></returns>
    public static Tensor ToInput(byte[] batch, int batchSize, int frames, int size, Device device, IReadOnlyList<ClipRef>? clips = null)
    {
        var x = Upload(batch, [batchSize, frames, size, size, 3], device); // uint8 travels, 4× fewer bytes
        var f = x.permute(0, 1, 4, 2, 3).to_type(ScalarType.Float32).div_(255f);
        if (clips is not null && clips.Any(c => !c.IsIdentity)) f = View(f, clips);
        var mean = tensor(Mean.ToArray(), device: device).view(1, 1, 3, 1, 1);
        var std = tensor(Std.ToArray(), device: device).view(1, 1, 3, 1, 1);
        return f.sub_(mean).div_(std).contiguous();
    }

    private static readonly Lock StagingGate = new();
    private static Tensor? _staging;
    private static bool _pinningFailed;

    /// <summary>
    /// The bytes as a uint8 tensor of <paramref name="shape"/> on <paramref name="device"/>. To CUDA they go
    /// through one page-locked host buffer and a non-blocking copy: the copy needs no bounce buffer, and the host
    /// goes on queueing the step's kernels while it runs. The device is synchronised before the buffer is
    /// refilled, so a copy still in flight never reads it half rewritten; the training loop has by then waited
    /// for the last step's one scalar (the non-finite guard), so there this costs nothing. Where pinning fails
    /// (no driver support), the plain copy is used. On the CPU the bytes are wrapped as they are.
    /// Not yet run on a GPU (none was lent to this project so far).
    /// </summary>
    private static Tensor Upload(byte[] bytes, long[] shape, Device device)
    {
        if (device.type != DeviceType.CUDA || _pinningFailed)
            return tensor(bytes, shape, dtype: ScalarType.Byte).to(device);
        lock (StagingGate)
        {
            try
            {
                if (_staging is null || _staging.NumberOfElements < bytes.Length)
                {
                    _staging?.Dispose();
                    _staging = empty(bytes.Length, ScalarType.Byte).pin_memory().DetachFromDisposeScope();
                }
                cuda.synchronize(device);
                _staging.data<byte>().CopyFrom(bytes);
            }
            catch (Exception e) when (e is ExternalException or InvalidOperationException)
            {
                _pinningFailed = true;
                return tensor(bytes, shape, dtype: ScalarType.Byte).to(device);
            }
            return _staging.narrow(0, 0, bytes.Length).view(shape).to(device, non_blocking: true);
        }
    }

    /// <summary>Crop and mirror every clip with one affine resampling (bilinear), the same box for all its frames.</summary>
    /// <param name="f">[B, T, 3, S, S]</param>
    private static Tensor View(Tensor f, IReadOnlyList<ClipRef> clips)
    {
        long b = f.shape[0], t = f.shape[1], s = f.shape[3];
        // affine_grid maps output coordinates in [-1, 1] to input coordinates: x_in = sx·u + tx.
        var theta = new float[b * 6];
        for (int i = 0; i < b; i++)
        {
            var c = clips[i];
            theta[i * 6 + 0] = c.Flip ? -c.CropW : c.CropW;
            theta[i * 6 + 2] = 2 * c.CropX - 1;
            theta[i * 6 + 4] = c.CropH;
            theta[i * 6 + 5] = 2 * c.CropY - 1;
        }
        var th = tensor(theta, [b, 1, 2, 3], device: f.device).expand(b, t, 2, 3).reshape(b * t, 2, 3);
        var frames = f.reshape(b * t, 3, s, s);
        var grid = nn.functional.affine_grid(th, [b * t, 3, s, s], align_corners: false);
        var resampled = nn.functional.grid_sample(frames, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
        return resampled.reshape(b, t, 3, s, s);
    }
}
