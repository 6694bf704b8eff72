using System.Net;
using Microsoft.Extensions.Options;

namespace MoqLive.Server;

/// <summary>Checks <see cref="MoqLiveServerOptions"/> once, with messages that say which setting to change.</summary>
public sealed class MoqLiveServerOptionsValidator : IValidateOptions<MoqLiveServerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MoqLiveServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!IPEndPoint.TryParse(options.Listen ?? string.Empty, out IPEndPoint? endPoint) || !options.Listen!.Contains(':', StringComparison.Ordinal))
            failures.Add($"Listen '{options.Listen}' is not an IP address and port such as 127.0.0.1:4443 or [::]:4443.");
        else if (endPoint.Port is < 0 or > 65535)
            failures.Add($"Listen port {endPoint.Port} is out of range.");
        if ((options.CertificatePath is null) != (options.PrivateKeyPath is null))
            failures.Add("CertificatePath and PrivateKeyPath go together: set both (PEM files) or neither (a development certificate is created).");
        if (options.CertificatePath is { } cert && !File.Exists(cert))
            failures.Add($"CertificatePath '{cert}' does not exist.");
        if (options.PrivateKeyPath is { } key && !File.Exists(key))
            failures.Add($"PrivateKeyPath '{key}' does not exist.");
        if (string.IsNullOrEmpty(options.MoqtPath) || options.MoqtPath[0] != '/')
            failures.Add($"MoqtPath '{options.MoqtPath}' must start with '/'.");
        if (options.WebRoot is { } root && !Directory.Exists(root))
            failures.Add($"WebRoot '{root}' is not a directory.");
        if (options.CacheMaxGroups < 1)
            failures.Add($"CacheMaxGroups must be at least 1, got {options.CacheMaxGroups}.");
        if (options.CacheMaxBytes < 1)
            failures.Add($"CacheMaxBytes must be at least 1, got {options.CacheMaxBytes}.");
        if (options.CacheMaxAgeSeconds < 0 || double.IsNaN(options.CacheMaxAgeSeconds))
            failures.Add($"CacheMaxAgeSeconds must be 0 (no limit) or positive, got {options.CacheMaxAgeSeconds}.");
        if (options.MaxSubscriberLagGroups < 1)
            failures.Add($"MaxSubscriberLagGroups must be at least 1, got {options.MaxSubscriberLagGroups}.");
        foreach (string origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out _))
                failures.Add($"AllowedOrigins entry '{origin}' is not an absolute origin such as https://localhost:4443.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
