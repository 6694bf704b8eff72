namespace MoqLive.E2E.Tests.Browser;

/// <summary>
/// Browser tests run alone, after the parallel ones: Chromium (several processes) competing with the 10 MB ngtcp2
/// transfers on a 2-core machine makes every timing-sensitive test slower.
/// </summary>
[CollectionDefinition(nameof(BrowserCollection), DisableParallelization = true)]
public sealed class BrowserCollection;
