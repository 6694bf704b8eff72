using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MoqLive.Quic.Tests.Driver;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every log entry (event ID and formatted message) for assertions.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _logged = new();

    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    /// <summary>Completes once an entry with <paramref name="eventId"/> was logged.</summary>
    public Task WhenLogged(int eventId) => Signal(eventId).Task;

    public bool Has(int eventId, string? containing = null) =>
        Entries.Any(e => e.EventId == eventId && (containing is null || e.Message.Contains(containing, StringComparison.Ordinal)));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private TaskCompletionSource Signal(int eventId) =>
        _logged.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
            owner.Signal(eventId.Id).TrySetResult();
        }
    }
}
