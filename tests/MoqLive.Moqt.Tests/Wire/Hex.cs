using System.Text;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>Hex helpers for hand-written vectors: spaces are ignored so fields can be grouped.</summary>
internal static class Hex
{
    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Normalize(string hex) => hex.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>ASCII text as hex (for names and reason phrases in hand-written vectors).</summary>
    public static string A(string text) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(text));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
