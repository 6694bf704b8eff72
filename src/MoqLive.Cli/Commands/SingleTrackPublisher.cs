using MoqLive.Moqt.Model;

namespace MoqLive.Cli.Commands;

/// <summary>Serves one local track to the relay's SUBSCRIBE (after PUBLISH_NAMESPACE); anything else does not exist.</summary>
internal sealed class SingleTrackPublisher(TrackProducer producer) : IPublisher
{
    private int _subscribed;

    /// <summary>Completes when the relay subscribed for the first time.</summary>
    public TaskCompletionSource FirstSubscriber { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Subscriptions => Volatile.Read(ref _subscribed);

    public ValueTask<SubscribeResult> SubscribeAsync(FullTrackName track, SubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!track.Equals(producer.Name))
            return ValueTask.FromResult(SubscribeResult.Error(RequestErrorCode.DoesNotExist, $"This publisher only has {producer.Name}."));
        Interlocked.Increment(ref _subscribed);
        FirstSubscriber.TrySetResult();
        return ValueTask.FromResult(SubscribeResult.Ok(producer.Subscribe(new TrackConsumerOptions { Start = options?.Start ?? TrackStart.LargestObject })));
    }

    public ValueTask<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(FetchResult.Error(RequestErrorCode.NotSupported, "FETCH is not supported by 'moqlive publish'."));

    public ValueTask<TrackStatusResult> TrackStatusAsync(FullTrackName track, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(track.Equals(producer.Name)
            ? TrackStatusResult.Ok(new TrackStatusOk(producer.Info, producer.LargestLocation, producer.End))
            : TrackStatusResult.Error(RequestErrorCode.DoesNotExist, $"This publisher only has {producer.Name}."));

    public ValueTask<SubscribeNamespaceResult> SubscribeNamespaceAsync(TrackNamespace prefix, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SubscribeNamespaceResult.Error(RequestErrorCode.NotSupported, "SUBSCRIBE_NAMESPACE is not supported by 'moqlive publish'."));
}
