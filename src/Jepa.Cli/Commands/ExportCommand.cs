using System.CommandLine;
using Jepa.Export;

namespace Jepa.Cli.Commands;

/// <summary><c>jepa export</c>: a checkpoint as model.safetensors + config.json for PyTorch.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A .ckpt file from a run's checkpoints/.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for model.safetensors and config.json (created when missing; must be empty unless --overwrite).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace model.safetensors and config.json in a folder that is not empty." };

        var command = new Command("export", "Write a checkpoint's weights (safetensors) and resolved config (JSON) for PyTorch; scripts/reference/hjepa.py loads them.")
            { checkpoint, output, overwrite };
        command.SetAction((parse, ct) => CliOptions.Run(parse, _ =>
        {
            var r = ModelExport.Run(parse.GetValue(checkpoint)!, parse.GetValue(output)!, parse.GetValue(overwrite));
            Console.WriteLine($"Exported step {r.Step}: {r.Tensors} tensors ({r.Values:N0} values) to {r.ModelPath} and {r.ConfigPath}");
            if (r.LeftOut > 0)
                Console.WriteLine($"Left out {r.LeftOut} tensors of the pixel objective's decoder ({ModelExport.PixelDecoderPrefix}*): the PyTorch twin has no such module; the encoders and predictors are all there.");
            return Task.FromResult(0);
        }, ct));
        return command;
    }
}
