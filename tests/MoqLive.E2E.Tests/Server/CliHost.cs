using System.Text;
using MoqLive.Cli;

namespace MoqLive.E2E.Tests.Server;

/// <summary>
/// Runs one <c>moqlive</c> command in-process (the same code path as the executable) with captured output, until it
/// exits or is cancelled (the Ctrl+C path).
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly TextWriter _outputWriter;
    private readonly TextWriter _errorWriter;
    private readonly CancellationTokenSource _cts = new();

    private CliHost(string[] args)
    {
        _outputWriter = TextWriter.Synchronized(new StringWriter(_output));
        _errorWriter = TextWriter.Synchronized(new StringWriter(_error));
        Exit = Task.Run(() => MoqLiveCli.InvokeAsync(args, _outputWriter, _errorWriter, cancellationToken: _cts.Token));
    }

    public Task<int> Exit { get; }

    public string Output
    {
        get
        {
            lock (_outputWriter)
                return _output.ToString();
        }
    }

    public string Error
    {
        get
        {
            lock (_errorWriter)
                return _error.ToString();
        }
    }

    public static CliHost Start(params string[] args) => new(args);

    /// <summary>Waits (bounded) until the output contains <paramref name="text"/>; fails early if the command exited.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (Exit.IsCompleted)
                throw new InvalidOperationException($"The command exited with {Exit.Result} before printing '{text}'.\nOutput:\n{Output}\nError:\n{Error}");
            await Task.Delay(50, limit.Token);
        }
    }

    /// <summary>Ctrl+C: cancels the command and waits for it to return.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        await _cts.CancelAsync();
        return await Exit.WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Reported by the test that owned it.
        }
        _cts.Dispose();
    }
}
