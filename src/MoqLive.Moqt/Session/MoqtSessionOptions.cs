using System.Buffers;
using Microsoft.Extensions.Logging;
using MoqLive.Moqt.Model;
using MoqLive.Moqt.Wire;

namespace MoqLive.Moqt.Session;

/// <summary>Options for a <see cref="MoqtSession"/>. Immutable; change with <c>with</c>.</summary>
public sealed record MoqtSessionOptions
{
    /// <summary>Defaults: draft-19, native QUIC, no handlers (incoming requests are refused with NOT_SUPPORTED).</summary>
    public static MoqtSessionOptions Default { get; } = new();

    /// <summary>The version to speak when the transport reports no protocol token (e.g. the in-memory pair). Default draft-19.</summary>
    public MoqtVersion Version { get; init; } = MoqtVersion.Draft19;

    /// <summary>
    /// True when the session runs over WebTransport: PATH and AUTHORITY are then carried by the CONNECT request and
    /// must not appear in SETUP (draft-19 §"PATH", §"AUTHORITY"). Default false (native QUIC).
    /// </summary>
    public bool IsWebTransport { get; init; }

    /// <summary>Client over native QUIC: PATH setup option (path-abempty and ?query of the moqt URI). Null to omit.</summary>
    public string? Path { get; init; }

    /// <summary>Client over native QUIC: AUTHORITY setup option. Null to omit.</summary>
    public string? Authority { get; init; }

    /// <summary>MOQT_IMPLEMENTATION setup option; null to omit. Default "MoqLive".</summary>
    public string? ImplementationName { get; init; } = "MoqLive";

    /// <summary>Serves the peer's SUBSCRIBE, FETCH, TRACK_STATUS and SUBSCRIBE_NAMESPACE. Null refuses them (NOT_SUPPORTED).</summary>
    public IPublisher? Publisher { get; init; }

    /// <summary>Receives the peer's PUBLISH_NAMESPACE and PUBLISH. Null refuses them (NOT_SUPPORTED).</summary>
    public ISubscriber? Subscriber { get; init; }

    /// <summary>
    /// Server: decides whether a client's PATH / AUTHORITY (null when absent) is served; false closes the session with
    /// INVALID_PATH. Default: accept everything.
    /// </summary>
    public Func<string?, string?, bool>? AcceptPath { get; init; }

    /// <summary>How long the SETUP exchange may take. Default 10 s.</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a data stream for a not-yet-known Track Alias is held before it is abandoned. Default 5 s.</summary>
    public TimeSpan UnknownAliasTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a joining FETCH naming a Request ID the peer has not used yet is held for the SUBSCRIBE it names, which
    /// may arrive after it on another stream (draft-19 §"Joining Fetches"); then it fails with INVALID_JOINING_REQUEST_ID.
    /// Default 5 s.
    /// </summary>
    public TimeSpan UnknownJoiningRequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest object payload accepted on a data stream; larger ones get the stream stopped. Default 16 MiB.</summary>
    public int MaxObjectSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Cache window of the tracks this session receives (SUBSCRIBE responses and PUBLISH); their clock is <see cref="TimeProvider"/>.</summary>
    public TrackProducerOptions ReceivedTrackOptions { get; init; } = TrackProducerOptions.Default;

    /// <summary>
    /// Pool the payloads of received objects are rented from; the consumers' last <see cref="MoqtPayload.Release"/>
    /// returns each. Default <see cref="ArrayPool{T}.Shared"/>, which keeps a few dozen arrays per size: a process whose
    /// sessions hold more received objects than that at once (the cache window of many subscriptions) allocates most
    /// payloads anew, and can pass a pool sized for what it holds.
    /// </summary>
    public ArrayPool<byte> PayloadPool { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>Clock for timeouts (delivery timeouts included) and for the tracks this session receives.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logging; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
