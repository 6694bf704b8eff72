using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using MoqLive.Testing;

namespace MoqLive.Cli.Tests.Commands;

public sealed class CertCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("moqlive-cli-tests-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string OutDir => Path.Combine(_temp.FullName, "certs");

    private X509Certificate2 LoadCertificate() =>
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(OutDir, "cert.pem")));

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await MoqLiveCli.InvokeAsync(args, output, error, new FakeTimeProvider(Now)).WithTimeout();
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_OutDirectory_WritesParseablePemPairAndPrintsLeafHash()
    {
        (int exitCode, string output, string error) = await RunAsync("cert", "create", "--out", OutDir);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        string certPem = await File.ReadAllTextAsync(Path.Combine(OutDir, "cert.pem"));
        string keyPem = await File.ReadAllTextAsync(Path.Combine(OutDir, "key.pem"));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", certPem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", keyPem, StringComparison.Ordinal);
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        Assert.True(certificate.HasPrivateKey);

        string printed = output.Split('\n').Single(line => line.StartsWith("SHA-256: ", StringComparison.Ordinal))["SHA-256: ".Length..].Trim();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), printed);
    }

    [Fact]
    public async Task Create_Certificate_IsSelfSignedEcdsaP256ValidAtMost14Days()
    {
        await RunAsync("cert", "create", "--out", OutDir);

        using X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(Path.Combine(OutDir, "cert.pem"), Path.Combine(OutDir, "key.pem"));
        using ECDsa? key = certificate.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal("1.2.840.10045.3.1.7", key.ExportParameters(false).Curve.Oid.Value); // secp256r1 (P-256)
        Assert.Equal(certificate.SubjectName.RawData, certificate.IssuerName.RawData);
        TimeSpan validity = certificate.NotAfter - certificate.NotBefore;
        Assert.True(validity <= TimeSpan.FromDays(14), $"Valid for {validity}.");
        Assert.True(validity >= TimeSpan.FromDays(13), $"Valid for {validity}.");
        Assert.True(certificate.NotBefore.ToUniversalTime() <= Now.UtcDateTime);
        Assert.True(certificate.NotAfter.ToUniversalTime() > Now.UtcDateTime);
    }

    [Fact]
    public async Task Create_Certificate_HasLoopbackSubjectAlternativeNames()
    {
        await RunAsync("cert", "create", "--out", OutDir, "--san", "relay.example", "--san", "10.0.0.1");

        using X509Certificate2 certificate = LoadCertificate();
        X509SubjectAlternativeNameExtension san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "relay.example"], san.EnumerateDnsNames().ToArray());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.1")], san.EnumerateIPAddresses().ToArray());
    }

    [Fact]
    public async Task Create_KeyFile_ReadableByOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
            return; // Unix file modes only.

        await RunAsync("cert", "create", "--out", OutDir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(OutDir, "key.pem")));
    }

    [Fact]
    public async Task Create_FilesExist_RefusesWithoutForce()
    {
        Assert.Equal(0, (await RunAsync("cert", "create", "--out", OutDir)).ExitCode);
        string before = await File.ReadAllTextAsync(Path.Combine(OutDir, "cert.pem"));

        (int exitCode, _, string error) = await RunAsync("cert", "create", "--out", OutDir);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(OutDir, "cert.pem")));
    }

    [Fact]
    public async Task Create_FilesExistWithForce_Overwrites()
    {
        await RunAsync("cert", "create", "--out", OutDir);
        string before = await File.ReadAllTextAsync(Path.Combine(OutDir, "cert.pem"));

        (int exitCode, _, _) = await RunAsync("cert", "create", "--out", OutDir, "--force");

        Assert.Equal(0, exitCode);
        Assert.NotEqual(before, await File.ReadAllTextAsync(Path.Combine(OutDir, "cert.pem")));
    }

    [Fact]
    public async Task Create_MissingOut_FailsWithClearError()
    {
        (int exitCode, _, string error) = await RunAsync("cert", "create");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--out", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("15")]
    public async Task Create_DaysOutOfRange_FailsWithClearError(string days)
    {
        (int exitCode, _, string error) = await RunAsync("cert", "create", "--out", OutDir, "--days", days);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--days must be between 1 and 14", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(OutDir));
    }

    [Fact]
    public async Task Create_InvalidSan_FailsWithClearError()
    {
        (int exitCode, _, string error) = await RunAsync("cert", "create", "--out", OutDir, "--san", "not a host");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("'not a host'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OutIsAFile_FailsWithClearError()
    {
        string file = Path.Combine(_temp.FullName, "file");
        await File.WriteAllTextAsync(file, "x");

        (int exitCode, _, string error) = await RunAsync("cert", "create", "--out", file);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error: could not write the certificate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DaysOption_SetsValidity()
    {
        await RunAsync("cert", "create", "--out", OutDir, "--days", "3");

        using X509Certificate2 certificate = LoadCertificate();
        Assert.Equal(TimeSpan.FromDays(3), certificate.NotAfter - certificate.NotBefore);
    }
}
