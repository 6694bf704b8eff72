namespace MoqLive.Http3;

/// <summary>
/// Handles one request on the server: read <paramref name="request"/>, write <paramref name="response"/>. The
/// response is completed (headers sent if still pending, then FIN) when the returned task completes; an
/// exception becomes a 500 response, or a stream reset with H3_INTERNAL_ERROR once headers were sent.
/// </summary>
public delegate ValueTask Http3RequestHandler(Http3ServerRequest request, Http3ServerResponse response, CancellationToken cancellationToken);
