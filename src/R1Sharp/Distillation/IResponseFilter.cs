namespace R1Sharp.Distillation;

/// <summary>A rejection-sampling rule judging one response alone (correctness, truncation, language, ...).</summary>
public interface IResponseFilter
{
    /// <summary>Short stable name, used as the drop reason in statistics (e.g. <c>incorrect</c>).</summary>
    string Name { get; }

    /// <summary>True to keep the response.</summary>
    bool Keep(SampledResponse response);
}
