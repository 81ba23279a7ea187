using System.Text.Json.Serialization;

namespace R1Sharp.Evaluation.Metrics;

/// <summary>A paired difference of two models' scores with its bootstrap interval (<see cref="PairedBootstrap"/>).</summary>
/// <param name="Difference">Mean over problems of first − second.</param>
/// <param name="Low">Lower end of the interval.</param>
/// <param name="High">Upper end of the interval.</param>
/// <param name="Level">Coverage of the interval (0.95).</param>
/// <param name="Resamples">Bootstrap resamples.</param>
/// <param name="Problems">Problems compared.</param>
public sealed record PairedDifference(double Difference, double Low, double High, double Level, int Resamples, int Problems)
{
    /// <summary>True when the interval contains 0: the data do not tell the two models apart.</summary>
    [JsonPropertyName("tie")] public bool IsTie => Low <= 0 && High >= 0;
}
