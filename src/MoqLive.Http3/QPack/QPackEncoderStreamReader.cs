using System.Buffers;

namespace MoqLive.Http3.QPack;

/// <summary>
/// Reads the peer's QPACK encoder stream (RFC 9204 §4.3) for a decoder whose maximum dynamic table capacity
/// is 0: Set Dynamic Table Capacity with 0 is accepted; any other capacity, or any insert or duplicate
/// instruction, is a QPACK_ENCODER_STREAM_ERROR connection error (RFC 9204 §4.3.1, §4.3.2–4.3.4: each
/// would exceed the capacity).
/// </summary>
internal static class QPackEncoderStreamReader
{
    /// <summary>
    /// Consumes every complete instruction at the start of <paramref name="input"/>, leaving a truncated one
    /// in place. Throws <see cref="Http3ConnectionErrorException"/> on an instruction we cannot accept.
    /// </summary>
    public static void Process(ref ReadOnlySequence<byte> input)
    {
        Span<byte> scratch = stackalloc byte[10];
        while (!input.IsEmpty)
        {
            int available = (int)Math.Min(input.Length, scratch.Length);
            input.Slice(0, available).CopyTo(scratch);
            ReadOnlySpan<byte> span = scratch[..available];
            byte first = span[0];
            if ((first & 0xE0) != 0x20)
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.QPackEncoderStreamError,
                    "The encoder stream inserts into the dynamic table, whose capacity is 0.");
            }

            // RFC 9204 §4.3.1 Set Dynamic Table Capacity: 0 0 1 Capacity(5+).
            OperationStatus status = QPackInteger.Decode(span, 5, out ulong capacity, out int consumed);
            if (status == OperationStatus.NeedMoreData && available < scratch.Length)
                return;
            if (status != OperationStatus.Done)
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.QPackEncoderStreamError,
                    "Set Dynamic Table Capacity has an invalid integer.");
            }

            if (capacity != 0)
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.QPackEncoderStreamError,
                    $"Set Dynamic Table Capacity {capacity} exceeds our maximum of 0.");
            }

            input = input.Slice(consumed);
        }
    }
}
