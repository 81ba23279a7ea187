using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace R1Sharp.Serving.Http;

/// <summary>The <c>Authorization: Bearer &lt;key&gt;</c> check of the servers, compared in constant time.</summary>
public static class BearerApiKey
{
    /// <summary>True when no key is required (<paramref name="expected"/> null) or the request carries it.</summary>
    public static bool Matches(HttpRequest request, string? expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (expected is null) return true;
        string header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal)) return false;
        byte[] given = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(expected));
    }
}
