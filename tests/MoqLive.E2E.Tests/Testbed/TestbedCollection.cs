namespace MoqLive.E2E.Tests.Testbed;

/// <summary>
/// Testbed tests measure timing (RTT, rates, latency) in real time: they run one at a time and not beside the other
/// heavy E2E tests, which would steal the CPU the emulator and the measured programs need.
/// </summary>
[CollectionDefinition(nameof(TestbedCollection), DisableParallelization = true)]
public sealed class TestbedCollection;
