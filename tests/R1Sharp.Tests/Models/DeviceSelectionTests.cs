using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class DeviceSelectionTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuParses(string text) => Assert.Equal(DeviceType.CPU, DeviceSelection.Parse(text).type);

    [Fact]
    public void AutoPicksWhatIsAvailable() =>
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, DeviceSelection.Parse("auto").type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void UnknownTextIsAClearError(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceSelection.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void CudaWithoutCudaSaysSo()
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, DeviceSelection.Parse("cuda").type);
            return;
        }
        var e = Assert.Throws<ArgumentException>(() => DeviceSelection.Parse("cuda:0"));
        Assert.Contains("CUDA", e.Message);
    }

    [Theory]
    [InlineData("f32", ScalarType.Float32)]
    [InlineData("bf16", ScalarType.BFloat16)]
    [InlineData("bfloat16", ScalarType.BFloat16)]
    [InlineData("fp16", ScalarType.Float16)]
    public void DtypesParse(string text, ScalarType expected) => Assert.Equal(expected, DeviceSelection.ParseDtype(text));

    [Fact]
    public void UnknownDtypeIsAClearError() =>
        Assert.Contains("'int4'", Assert.Throws<ArgumentException>(() => DeviceSelection.ParseDtype("int4")).Message);
}
