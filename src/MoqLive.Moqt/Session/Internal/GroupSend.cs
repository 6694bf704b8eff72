using MoqLive.Moqt.Model;

namespace MoqLive.Moqt.Session.Internal;

/// <summary>
/// One group being sent on a served subscription: its reader, the task writing its subgroup streams and a token that
/// is cancelled when the group goes stale for this subscriber, so a write stuck on flow control gives up and its
/// stream is reset instead of pinning the group and its send buffer.
/// </summary>
internal sealed class GroupSend
{
    private readonly CancellationTokenSource _cts;

    public GroupSend(GroupConsumer group, CancellationToken subscriptionToken)
    {
        Group = group;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(subscriptionToken);
    }

    public GroupConsumer Group { get; }

    public Task Task { get; set; } = Task.CompletedTask;

    public CancellationToken Token => _cts.Token;

    /// <summary>Cancels the group's writes (TOO_FAR_BEHIND).</summary>
    public void Abandon() => _cts.Cancel();

    /// <summary>Releases the token source once the task is done; true if it was released.</summary>
    public bool Finish()
    {
        if (!Task.IsCompleted)
            return false;
        _cts.Dispose();
        return true;
    }
}
