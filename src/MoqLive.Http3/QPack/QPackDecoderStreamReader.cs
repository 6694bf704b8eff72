using System.Buffers;

namespace MoqLive.Http3.QPack;

/// <summary>
/// Reads the peer's QPACK decoder stream (RFC 9204 §4.4) for an encoder that never uses the dynamic table:
/// Stream Cancellation is accepted and ignored; Section Acknowledgment (no section of ours ever had a non-zero
/// Required Insert Count, §4.4.1) and Insert Count Increment (we never insert, §4.4.3) are
/// QPACK_DECODER_STREAM_ERROR connection errors.
/// </summary>
internal static class QPackDecoderStreamReader
{
    /// <summary>Consumes every complete instruction at the start of <paramref name="input"/>.</summary>
    public static void Process(ref ReadOnlySequence<byte> input)
    {
        Span<byte> scratch = stackalloc byte[10];
        while (!input.IsEmpty)
        {
            int available = (int)Math.Min(input.Length, scratch.Length);
            input.Slice(0, available).CopyTo(scratch);
            ReadOnlySpan<byte> span = scratch[..available];
            byte first = span[0];
            if ((first & 0x80) != 0)
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.QPackDecoderStreamError,
                    "Section Acknowledgment for a field section that never referenced the dynamic table.");
            }

            if ((first & 0x40) == 0)
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.QPackDecoderStreamError,
                    "Insert Count Increment although we never inserted into the dynamic table.");
            }

            // RFC 9204 §4.4.2 Stream Cancellation: 0 1 Stream ID(6+).
            OperationStatus status = QPackInteger.Decode(span, 6, out _, out int consumed);
            if (status == OperationStatus.NeedMoreData && available < scratch.Length)
                return;
            if (status != OperationStatus.Done)
            {
                throw new Http3ConnectionErrorException(Http3ErrorCode.QPackDecoderStreamError,
                    "Stream Cancellation has an invalid integer.");
            }

            input = input.Slice(consumed);
        }
    }
}
