namespace MoqLive.Transport;

/// <summary>A bidirectional stream: both halves share the same <see cref="ITransportSendStream.Id"/>.</summary>
public interface ITransportStream : ITransportSendStream, ITransportReceiveStream
{
    /// <summary>The stream ID.</summary>
    new long Id { get; }
}
