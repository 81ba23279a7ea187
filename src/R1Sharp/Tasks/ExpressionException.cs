namespace R1Sharp.Tasks;

/// <summary>An expression could not be parsed or evaluated; the message says where and why.</summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExpressionException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ExpressionException() { }

    /// <summary>Creates the exception.</summary>
    public ExpressionException(string message, Exception innerException) : base(message, innerException) { }
}
