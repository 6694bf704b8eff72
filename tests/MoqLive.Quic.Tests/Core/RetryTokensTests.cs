using System.Net;
using MoqLive.Quic.Core;

namespace MoqLive.Quic.Tests.Core;

public class RetryTokensTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.1"), 5000);
    private static readonly ConnectionId Odcid = new([1, 2, 3, 4, 5, 6, 7, 8]);
    private static readonly ConnectionId RetryCid = new([9, 9, 9, 9, 9, 9, 9, 9]);
    private static readonly Instant Issued = Instant.FromMilliseconds(5000);

    [Fact]
    public void TryValidate_SameAddressAndConnectionIdWithinLifetime_ReturnsOriginalDestination()
    {
        using var tokens = new RetryTokens();
        var token = tokens.Create(Issued, Client, Odcid, RetryCid);

        Assert.True(tokens.TryValidate(Issued + TimeSpan.FromSeconds(9), token, Client, RetryCid, out var odcid));
        Assert.Equal(Odcid, odcid);
    }

    [Fact]
    public void TryValidate_Expired_ReturnsFalse()
    {
        using var tokens = new RetryTokens { Lifetime = TimeSpan.FromSeconds(10) };
        var token = tokens.Create(Issued, Client, Odcid, RetryCid);

        Assert.False(tokens.TryValidate(Issued + TimeSpan.FromSeconds(11), token, Client, RetryCid, out _));
        Assert.False(tokens.TryValidate(Issued - TimeSpan.FromSeconds(1), token, Client, RetryCid, out _));
    }

    [Fact]
    public void TryValidate_OtherAddressPortOrConnectionId_ReturnsFalse()
    {
        using var tokens = new RetryTokens();
        var token = tokens.Create(Issued, Client, Odcid, RetryCid);

        Assert.False(tokens.TryValidate(Issued, token, new IPEndPoint(IPAddress.Parse("192.0.2.2"), 5000), RetryCid, out _));
        Assert.False(tokens.TryValidate(Issued, token, new IPEndPoint(Client.Address, 5001), RetryCid, out _));
        Assert.False(tokens.TryValidate(Issued, token, Client, Odcid, out _));
    }

    [Fact]
    public void TryValidate_AnyByteChangedOrTruncatedOrOtherEndpoint_ReturnsFalse()
    {
        using var tokens = new RetryTokens();
        var token = tokens.Create(Issued, Client, Odcid, RetryCid);
        for (int i = 0; i < token.Length; i++)
        {
            var tampered = (byte[])token.Clone();
            tampered[i] ^= 0x01;
            Assert.False(tokens.TryValidate(Issued, tampered, Client, RetryCid, out _));
        }
        Assert.False(tokens.TryValidate(Issued, token[..^1], Client, RetryCid, out _));
        using var other = new RetryTokens();
        Assert.False(other.TryValidate(Issued, token, Client, RetryCid, out _));
    }

    [Fact]
    public void TryValidate_IPv4MappedAddress_MatchesIPv4()
    {
        using var tokens = new RetryTokens();
        var token = tokens.Create(Issued, Client, Odcid, RetryCid);

        Assert.True(tokens.TryValidate(Issued, token, new IPEndPoint(Client.Address.MapToIPv6(), Client.Port), RetryCid, out _));
    }
}
