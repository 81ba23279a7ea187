using System.Runtime.InteropServices;
using System.Security.Cryptography;
using R1Sharp.Training.DataParallel;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// The weight checksum ranks compare: SHA-256 of the weights' float32 values in order, whether a weight is hashed in its
/// own memory (contiguous float32 on the CPU) or through a float32 copy (any other layout or dtype).
/// </summary>
public sealed class RankAgreementTests
{
    [Fact]
    public void ChecksumIsTheHashOfTheFloatValuesInOrder()
    {
        using var generator = new Generator(9);
        using var matrix = randn([6, 5], generator: generator);
        using var vector = randn([7], generator: generator);
        float[] values = [.. matrix.data<float>().ToArray(), .. vector.data<float>().ToArray()];
        byte[] expected = SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan()));

        Assert.Equal(expected, RankAgreement.Checksum([matrix, vector]));

        // A transposed view is hashed in its logical order, as its contiguous copy.
        using var transposed = matrix.t();
        using var copy = transposed.contiguous();
        Assert.Equal(RankAgreement.Checksum([copy]), RankAgreement.Checksum([transposed]));
        // A narrowed view starts at its own first element, not the storage's.
        using var tail = vector.narrow(0, 2, 5);
        using var tailCopy = tail.clone();
        Assert.Equal(RankAgreement.Checksum([tailCopy]), RankAgreement.Checksum([tail]));
        // Another dtype is hashed as its float32 values.
        using var doubles = vector.to_type(ScalarType.Float64);
        Assert.Equal(RankAgreement.Checksum([vector]), RankAgreement.Checksum([doubles]));
    }

    [Fact]
    public void OneChangedBitChangesTheChecksum()
    {
        using var weights = ones([1000]);
        byte[] before = RankAgreement.Checksum([weights]);
        using (no_grad())
        {
            using var element = weights.narrow(0, 999, 1);
            using var nudged = tensor(new[] { BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1f) + 1) });
            element.copy_(nudged);
        }
        Assert.NotEqual(before, RankAgreement.Checksum([weights]));
    }
}
