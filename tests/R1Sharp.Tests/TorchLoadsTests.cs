namespace R1Sharp.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void TorchNativeBackendLoadsAndComputes()
    {
        Assert.Equal(3f, TorchInfo.AddOnePlusTwo());
    }
}
