using System.CommandLine;
using MoqLive.Quic.Tls;

namespace MoqLive.Cli.Commands;

/// <summary>How a client command checks the server certificate: <c>--cert-hash HEX</c>, <c>--insecure</c>, or the system roots.</summary>
internal sealed record ClientCertificateOptions(TlsCertificateValidation Validation, byte[]? PinnedSha256)
{
    public static (Option<string> Hash, Option<bool> Insecure) CreateOptions()
    {
        var hash = new Option<string>("--cert-hash")
        {
            Description = "Accept only a server certificate whose SHA-256 (64 hex digits, as 'moqlive serve' prints) matches.",
            HelpName = "HEX",
        };
        hash.Validators.Add(r =>
        {
            string hex = r.GetValueOrDefault<string>() ?? string.Empty;
            if (ParseHash(hex) is null)
                r.AddError($"--cert-hash must be 64 hex digits (SHA-256), got '{hex}'.");
        });
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Accept any server certificate (development only)." };
        return (hash, insecure);
    }

    public static void AddValidator(Command command, Option<string> hash, Option<bool> insecure) =>
        command.Validators.Add(r =>
        {
            if (r.GetValue(hash) is not null && r.GetValue(insecure))
                r.AddError("Pass either --cert-hash or --insecure, not both.");
        });

    public static ClientCertificateOptions From(ParseResult parseResult, Option<string> hash, Option<bool> insecure)
    {
        if (parseResult.GetValue(insecure))
            return new(TlsCertificateValidation.None, null);
        if (ParseHash(parseResult.GetValue(hash)) is { } pinned)
            return new(TlsCertificateValidation.PinnedSha256, pinned);
        return new(TlsCertificateValidation.Chain, null);
    }

    public static byte[]? ParseHash(string? hex)
    {
        if (hex is null)
            return null;
        hex = hex.Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 64)
            return null;
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
