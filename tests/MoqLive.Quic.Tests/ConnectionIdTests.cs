namespace MoqLive.Quic.Tests;

public class ConnectionIdTests
{
    [Fact]
    public void Equality_ByValue()
    {
        var a = new ConnectionId([1, 2, 3]);
        var b = new ConnectionId([1, 2, 3]);
        var c = new ConnectionId([1, 2, 3, 0]);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.NotEqual(a, c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("010203", a.ToString());
        var set = new HashSet<ConnectionId> { a, b, c, ConnectionId.Empty };
        Assert.Equal(3, set.Count);
    }

    private static ConnectionId Make() => new([7, 8, 9]);

    [Fact]
    public void Span_OnTemporary_IsUsableWithinExpression()
    {
        Assert.Equal([7, 8, 9], Make().Span.ToArray());
        Assert.True(Make().Span.SequenceEqual(new byte[] { 7, 8, 9 }));
    }

    [Fact]
    public void Create_Over20Bytes_Fails()
    {
        Assert.False(ConnectionId.TryCreate(new byte[21], out _));
        Assert.True(ConnectionId.TryCreate(new byte[20], out var max));
        Assert.Equal(20, max.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionId(new byte[21]));
    }

    [Fact]
    public void CryptoErrorCodes_CarryTlsAlert()
    {
        var code = TransportErrorCodeExtensions.FromTlsAlert(40);
        Assert.Equal((TransportErrorCode)0x128, code);
        Assert.True(code.IsCryptoError());
        Assert.Equal((byte)40, code.GetTlsAlert());
        Assert.Null(TransportErrorCode.ProtocolViolation.GetTlsAlert());
    }
}
