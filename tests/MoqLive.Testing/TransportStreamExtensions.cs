using System.Buffers;
using MoqLive.Transport;

namespace MoqLive.Testing;

/// <summary>Helpers for reading and writing whole messages on transport streams in tests.</summary>
public static class TransportStreamExtensions
{
    /// <summary>Reads until FIN and returns everything read.</summary>
    public static async Task<byte[]> ReadToEndAsync(this ITransportReceiveStream stream, CancellationToken cancellationToken = default)
    {
        var output = new ArrayBufferWriter<byte>();
        while (true)
        {
            int read = await stream.ReadAsync(output.GetMemory(16 * 1024), cancellationToken);
            if (read == 0)
                return output.WrittenSpan.ToArray();
            output.Advance(read);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; throws <see cref="EndOfStreamException"/> at an early FIN.</summary>
    public static async Task<byte[]> ReadExactlyAsync(this ITransportReceiveStream stream, int count, CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
                throw new EndOfStreamException($"The stream ended after {filled} of {count} bytes.");
            filled += read;
        }

        return buffer;
    }

    /// <summary>Reads until the stream fails and returns the exception (null when it ended with FIN instead).</summary>
    public static async Task<Exception?> ReadUntilFailureAsync(this ITransportReceiveStream stream, CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return ex;
        }
    }
}
