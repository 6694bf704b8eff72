namespace MoqLive.Moqt.Model;

/// <summary>
/// Outcome of a request (SUBSCRIBE, FETCH, TRACK_STATUS, PUBLISH, PUBLISH_NAMESPACE, SUBSCRIBE_NAMESPACE): the OK
/// value, or a REQUEST_ERROR code and reason. Request failures are values, not exceptions; only fatal session errors
/// throw (STYLE.md "Moqt").
/// </summary>
/// <typeparam name="T">The OK value.</typeparam>
public abstract class RequestResult<T>
    where T : class
{
    private protected RequestResult(T? value, RequestErrorCode errorCode, string reason, TimeSpan? retryInterval)
    {
        Value = value;
        ErrorCode = errorCode;
        Reason = reason;
        RetryInterval = retryInterval;
    }

    /// <summary>True if the request succeeded and <see cref="Value"/> is set.</summary>
    public bool IsOk => Value is not null;

    /// <summary>The OK value, or null on error.</summary>
    public T? Value { get; }

    /// <summary>REQUEST_ERROR code (meaningless when <see cref="IsOk"/>).</summary>
    public RequestErrorCode ErrorCode { get; }

    /// <summary>REQUEST_ERROR reason phrase; empty when OK.</summary>
    public string Reason { get; }

    /// <summary>REQUEST_ERROR Retry Interval: null means "do not retry", <see cref="TimeSpan.Zero"/> "retry now".</summary>
    public TimeSpan? RetryInterval { get; }

    /// <summary>The OK value.</summary>
    /// <exception cref="InvalidOperationException">The request failed.</exception>
    public T GetValueOrThrow()
        => Value ?? throw new InvalidOperationException($"Request failed: {ErrorCode} ({Reason}).");

    /// <inheritdoc />
    public override string ToString() => IsOk ? $"Ok({Value})" : $"Error({ErrorCode}, \"{Reason}\")";
}
