using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class KvCacheTests
{
    [Fact]
    public void KeepRowsContinuesDecodingAsIfTheRowWereAlone()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Llama);
        using var noGrad = torch.no_grad();
        long[][] rows = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]];
        using var cache = new KvCache(model.Config, 3, 6, torch.CPU, model.Dtype);
        model.Forward(TestModels.Ids(rows), cache: cache);
        cache.KeepRows([2, 0]); // drop row 1, reorder
        Assert.Equal(2, cache.BatchSize);
        Assert.Equal(4, cache.Length);
        var next = model.Forward(TestModels.Ids([[13], [14]]), cache: cache);
        var alone2 = model.Forward(TestModels.Ids([.. rows[2], 13]));
        var alone0 = model.Forward(TestModels.Ids([.. rows[0], 14]));
        Assert.True(TestModels.MaxAbsDiff(next[0, 0], alone2[0, -1]) < 1e-4);
        Assert.True(TestModels.MaxAbsDiff(next[1, 0], alone0[0, -1]) < 1e-4);
    }

    [Fact]
    public void OverflowAndWrongBatchAreClearErrors()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen);
        using var noGrad = torch.no_grad();
        using var cache = new KvCache(model.Config, 1, 3, torch.CPU, model.Dtype);
        Assert.Throws<InvalidOperationException>(() => model.Forward(TestModels.Ids(1, 2, 3, 4), cache: cache));
        Assert.Throws<ArgumentException>(() => model.Forward(TestModels.Ids([[1], [2]]), cache: cache));
        Assert.Throws<ArgumentException>(() => cache.KeepRows([1]));
    }
}
