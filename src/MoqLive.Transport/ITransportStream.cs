namespace MoqLive.Transport;

/// <summary>A bidirectional stream: both halves share the same <see cref="ITransportSendStream.Id"/>.</summary>
/// <remarks>Disposing it disposes both halves, with the rules of <see cref="ITransportSendStream"/> and <see cref="ITransportReceiveStream"/>.</remarks>
public interface ITransportStream : ITransportSendStream, ITransportReceiveStream
{
    /// <summary>The stream ID.</summary>
    new long Id { get; }
}
