using R1Sharp.Models;

namespace R1Sharp.Tests.Models;

public sealed class TorchThreadsTests
{
    [Fact]
    public void APinnedPoolIgnoresLaterSettings()
    {
        // The test host pins the pool to one thread (TestHostTorchThreads).
        Assert.Equal(1, TorchThreads.Pinned);
        TorchThreads.Set(2);
        Assert.Equal(1, TorchSharp.torch.get_num_threads());
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreads.Set(-1));
    }
}
