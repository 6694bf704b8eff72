using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MoqLive.Server;

/// <summary>
/// Binds <see cref="MoqLiveServerOptions"/> from, in increasing precedence: <c>appsettings.json</c> (optional, in the
/// given folder), environment variables with the <c>MOQLIVE_</c> prefix (<c>MOQLIVE_Listen</c>,
/// <c>MOQLIVE_AllowedOrigins__0</c>, ...), and explicit overrides (command-line flags). Validation runs on load
/// (<c>ValidateOnStart</c>) and throws <see cref="OptionsValidationException"/> listing every problem.
/// </summary>
public static class MoqLiveServerConfiguration
{
    /// <summary>The environment variable prefix.</summary>
    public const string EnvironmentPrefix = "MOQLIVE_";

    /// <summary>Builds the layered configuration.</summary>
    public static IConfiguration Build(string? basePath, IEnumerable<KeyValuePair<string, string?>>? overrides = null, IDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        if (basePath is not null)
            builder.SetBasePath(basePath).AddJsonFile("appsettings.json", optional: true, reloadOnChange: false);
        if (environment is null)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }
        else
        {
            // Tests pass the environment explicitly; same prefix rules as AddEnvironmentVariables.
            builder.AddInMemoryCollection(environment
                .Where(e => e.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                .Select(e => KeyValuePair.Create(e.Key[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), e.Value)));
        }
        if (overrides is not null)
            builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    /// <summary>Binds and validates the options (throws <see cref="OptionsValidationException"/> when invalid).</summary>
    public static MoqLiveServerOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();
        services.AddSingleton<IValidateOptions<MoqLiveServerOptions>, MoqLiveServerOptionsValidator>();
        services.AddOptions<MoqLiveServerOptions>().Bind(configuration).ValidateOnStart();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider.GetRequiredService<IOptions<MoqLiveServerOptions>>().Value;
    }
}
