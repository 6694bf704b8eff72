using System.Net;

namespace MoqLive.Quic.Core;

/// <summary>A UDP datagram produced by <c>Connection.PollTransmit</c>: where to send it and how many bytes were written.</summary>
public readonly record struct Transmit(EndPoint Destination, int Size);
