using MoqLive.Quic.Crypto;

namespace MoqLive.Quic.Tests.Crypto;

/// <summary>The per-packet path (seal, open, header protection) must not allocate.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData((ushort)0x1301)]
    [InlineData((ushort)0x1302)]
    [InlineData((ushort)0x1303)]
    public void ProtectUnprotectRoundTrip_SteadyState_DoesNotAllocate(ushort suiteValue)
    {
        var suite = (CipherSuite)suiteValue;
        using DirectionalKeys keys = DirectionalKeys.FromSecret(suite, new byte[suite.HashLength()]);
        byte[] packet = new byte[1200];
        packet[0] = 0x43;
        RoundTrip(keys, packet, 0); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (ulong pn = 1; pn <= 200; pn++)
        {
            RoundTrip(keys, packet, pn);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{suite}: {allocated} bytes allocated for 200 packets");
    }

    private static void RoundTrip(DirectionalKeys keys, byte[] packet, ulong pn)
    {
        packet[0] = 0x43;
        keys.Packet.Encrypt(pn, packet, 9);
        keys.Header.Protect(packet, 5);
        Assert.True(keys.Header.TryUnprotect(packet, 5, out _));
        Assert.True(keys.Packet.TryDecrypt(pn, packet, 9, out _));
    }
}
