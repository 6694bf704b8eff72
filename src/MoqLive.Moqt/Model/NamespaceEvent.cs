namespace MoqLive.Moqt.Model;

/// <summary>A namespace became available (NAMESPACE) or stopped being available (NAMESPACE_DONE).</summary>
/// <param name="Namespace">The full namespace (a session sends only the suffix after the subscribed prefix).</param>
/// <param name="Active">True for NAMESPACE, false for NAMESPACE_DONE.</param>
public readonly record struct NamespaceEvent(TrackNamespace Namespace, bool Active);
