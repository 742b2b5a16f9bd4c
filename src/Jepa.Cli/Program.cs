using TorchSharp;
Jepa.Runtime.LibStdCxxFix.Ensure();
Console.WriteLine(Jepa.Runtime.LibStdCxxFix.Result);
var t = torch.randn(3, 3);
Console.WriteLine(t.sum().item<float>());
Console.WriteLine(torch.__version__);
