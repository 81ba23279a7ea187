using R1Sharp.Checkpoints;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distributed;

/// <summary>Reads a safetensors file's tensors as float32 arrays and compares two such sets (the data-parallel tests).</summary>
internal static class SafetensorsWeights
{
    public static Dictionary<string, float[]> Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries.Keys.ToDictionary(k => k, k =>
        {
            using var t = file.Read(k, CPU, ScalarType.Float32);
            return t.data<float>().ToArray();
        });
    }

    /// <summary>The largest absolute difference between the two sets' elements, relative to the largest weight of <paramref name="a"/>.</summary>
    public static double RelativeDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        double largest = a.Values.Max(v => v.Max(x => Math.Abs((double)x)));
        return MaxAbsoluteDifference(a, b) / largest;
    }

    /// <summary>The largest absolute difference between the two sets' elements.</summary>
    public static double MaxAbsoluteDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        a.Keys.Max(k => a[k].Zip(b[k]).Max(p => Math.Abs((double)p.First - p.Second)));
}
