using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MoqLive.Server.Tests;

public sealed class MoqLiveServerConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("moqlive-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_NoSources_Defaults()
    {
        MoqLiveServerOptions options = MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(_dir, environment: new Dictionary<string, string?>()));

        Assert.Equal(MoqLiveServerDefaults.Listen, options.Listen);
        Assert.Equal("/moq", options.MoqtPath);
        Assert.Null(options.CertificatePath);
        Assert.Empty(options.AllowedOrigins);
        Assert.False(options.RequireRetry);
        Assert.False(options.HeapDiagnostics);
    }

    [Fact]
    public void Load_HeapDiagnosticsFromEnvironment_Enabled()
    {
        var environment = new Dictionary<string, string?> { ["MOQLIVE_HeapDiagnostics"] = "true" };
        Assert.True(MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(_dir, environment: environment)).HeapDiagnostics);
    }

    [Fact]
    public void Load_RetryFromEnvironmentOrFlag_RequiresRetry()
    {
        var none = new Dictionary<string, string?>();
        Assert.True(MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(_dir, environment: new Dictionary<string, string?> { ["MOQLIVE_RequireRetry"] = "true" })).RequireRetry);
        Assert.True(MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(_dir, new Dictionary<string, string?> { ["RequireRetry"] = "true" }, none)).RequireRetry);
    }

    [Fact]
    public void Load_JsonThenEnvironmentThenFlags_LaterWins()
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), """
            { "Listen": "127.0.0.1:5000", "CacheMaxGroups": 8, "MoqtPath": "/json", "AllowedOrigins": [ "https://a.example" ] }
            """);
        var environment = new Dictionary<string, string?>
        {
            ["MOQLIVE_CacheMaxGroups"] = "9",
            ["MOQLIVE_MoqtPath"] = "/env",
            ["OTHER_Listen"] = "127.0.0.1:1",
        };
        var flags = new Dictionary<string, string?> { ["MoqtPath"] = "/flag" };

        MoqLiveServerOptions options = MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(_dir, flags, environment));

        Assert.Equal("127.0.0.1:5000", options.Listen);
        Assert.Equal(9, options.CacheMaxGroups);
        Assert.Equal("/flag", options.MoqtPath);
        Assert.Equal(["https://a.example"], options.AllowedOrigins);
    }

    [Theory]
    [InlineData("Listen", "not-an-endpoint", "Listen")]
    [InlineData("CacheMaxGroups", "0", "CacheMaxGroups")]
    [InlineData("MoqtPath", "moq", "MoqtPath")]
    [InlineData("CertificatePath", "/nonexistent/cert.pem", "PrivateKeyPath")]
    public void Load_InvalidSetting_ThrowsOnStartWithItsName(string key, string value, string expected)
    {
        var flags = new Dictionary<string, string?> { [key] = value };

        var e = Assert.Throws<OptionsValidationException>(() =>
            MoqLiveServerConfiguration.Load(MoqLiveServerConfiguration.Build(_dir, flags, new Dictionary<string, string?>())));

        Assert.Contains(e.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void CertificateProvider_NoFiles_CreatesDevelopmentCertificateAndRenewsBeforeExpiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        using var provider = ServerCertificateProvider.Create(new MoqLiveServerOptions(), time, NullLogger.Instance);
        byte[] first = provider.Sha256;
        int renewed = 0;
        provider.Renewed += _ => renewed++;

        Assert.True(provider.IsDevelopment);
        Assert.True(provider.Current.NotAfter - provider.Current.NotBefore <= TimeSpan.FromDays(14));
        using (var key = provider.Current.GetECDsaPublicKey())
            Assert.Equal(256, key!.KeySize);
        time.Advance(TimeSpan.FromDays(5));
        Assert.Equal(0, renewed);

        time.Advance(TimeSpan.FromDays(7)); // 12 days in: within a day of the 13-day expiry (minus the hour of backdating)
        Assert.Equal(1, renewed);
        Assert.NotEqual(first, provider.Sha256);
        Assert.True(provider.Current.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(12));
    }
}
