using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace R1Sharp.Serving.Http;

/// <summary>
/// The web host both servers run on (<c>r1 serve</c> for generation and for reward models): Kestrel bound to
/// <see cref="ServeOptions.Host"/> (loopback unless told otherwise) and port, the request-size limit and shutdown
/// grace applied, no console logging.
/// </summary>
public static class KestrelHost
{
    /// <summary>A web application configured from <paramref name="options"/>, not yet started (map its routes, then <see cref="StartAsync"/>).</summary>
    /// <exception cref="ArgumentException">Invalid options (the message names the option).</exception>
    public static WebApplication Build(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownGrace);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.Listen(options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host), options.Port);
        });
        return builder.Build();
    }

    /// <summary>Starts <paramref name="app"/> and returns the address it listens on (with the real port when 0 was asked for), ending in '/'.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(bound.EndsWith('/') ? bound : bound + "/");
    }
}
