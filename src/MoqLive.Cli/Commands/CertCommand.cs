using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MoqLive.Quic.Tls;

namespace MoqLive.Cli.Commands;

/// <summary><c>moqlive cert</c>: development certificates for the relay and WebTransport.</summary>
internal static class CertCommand
{
    public const string CertificateFileName = "cert.pem";
    public const string KeyFileName = "key.pem";

    // SelfSignedCertificate.MaxValidity in days: Chromium rejects hash-pinned certificates valid for longer.
    private const int MaxValidityDays = 14;

    public static Command Create(TimeProvider timeProvider) =>
        new("cert", "Manage TLS certificates.")
        {
            CreateCreateCommand(timeProvider),
        };

    private static Command CreateCreateCommand(TimeProvider timeProvider)
    {
        var outOption = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = $"Directory to write {CertificateFileName} and {KeyFileName} into (created if missing).",
            Required = true,
            HelpName = "DIR",
        };
        var daysOption = new Option<int>("--days")
        {
            Description = $"Validity in days, 1 to {MaxValidityDays}.",
            DefaultValueFactory = _ => MaxValidityDays,
        };
        daysOption.Validators.Add(result =>
        {
            int days = result.GetValueOrDefault<int>();
            if (days is < 1 or > MaxValidityDays)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--days must be between 1 and {MaxValidityDays}, got {days}: browsers reject certificates pinned with serverCertificateHashes that are valid for longer than 14 days."));
            }
        });
        var sanOption = new Option<string[]>("--san")
        {
            Description = "Extra subject alternative name (DNS name or IP address); repeatable. localhost, 127.0.0.1 and ::1 are always included.",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };
        sanOption.Validators.Add(result =>
        {
            foreach (string name in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!IPAddress.TryParse(name, out _) && Uri.CheckHostName(name) != UriHostNameType.Dns)
                    result.AddError($"--san '{name}' is neither a DNS name nor an IP address.");
            }
        });
        var forceOption = new Option<bool>("--force")
        {
            Description = $"Overwrite existing {CertificateFileName}/{KeyFileName}.",
        };

        var command = new Command("create", "Create a self-signed ECDSA P-256 certificate for local development and print its SHA-256 hash (for WebTransport serverCertificateHashes).")
        {
            outOption,
            daysOption,
            sanOption,
            forceOption,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            TextWriter error = parseResult.InvocationConfiguration.Error;
            var request = new CertificateRequestOptions(
                parseResult.GetRequiredValue(daysOption),
                parseResult.GetValue(sanOption) ?? []);
            return CreateAsync(parseResult.GetRequiredValue(outOption), request, parseResult.GetValue(forceOption),
                timeProvider, output, error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> CreateAsync(
        DirectoryInfo directory,
        CertificateRequestOptions request,
        bool force,
        TimeProvider timeProvider,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        string certPath = Path.Combine(directory.FullName, CertificateFileName);
        string keyPath = Path.Combine(directory.FullName, KeyFileName);
        if (!force && (File.Exists(certPath) || File.Exists(keyPath)))
        {
            await error.WriteLineAsync(
                $"error: {certPath} or {keyPath} already exists. Pass --force to overwrite, or choose another --out directory.")
                .ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        cancellationToken.ThrowIfCancellationRequested();
        using X509Certificate2 certificate = SelfSignedCertificate.Create(
            timeProvider.GetUtcNow(),
            TimeSpan.FromDays(request.ValidityDays),
            [.. SelfSignedCertificate.DefaultNames, .. request.ExtraNames]);
        try
        {
            directory.Create();
            SelfSignedCertificate.WritePemFiles(certificate, certPath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: could not write the certificate to {directory.FullName}: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        string hash = Convert.ToHexStringLower(SelfSignedCertificate.ComputeSha256(certificate));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {certPath} and {keyPath} (ECDSA P-256, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z).")).ConfigureAwait(false);
        await output.WriteLineAsync($"SHA-256: {hash}").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private sealed record CertificateRequestOptions(int ValidityDays, IReadOnlyList<string> ExtraNames);
}
