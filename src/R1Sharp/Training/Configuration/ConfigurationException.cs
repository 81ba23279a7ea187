namespace R1Sharp.Training.Configuration;

/// <summary>A configuration value was rejected; <see cref="Exception.Message"/> names the option (and the file and line when known).</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ConfigurationException() { }

    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message, Exception innerException) : base(message, innerException) { }
}
