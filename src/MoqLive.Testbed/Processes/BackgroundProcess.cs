using System.Diagnostics;
using System.Text;

namespace MoqLive.Testbed.Processes;

/// <summary>
/// A long-running child (iperf3 server, nginx, ffmpeg, relay, browser) with its output captured. Disposing kills it
/// by its own handle (never by name) and waits for it.
/// </summary>
public sealed class BackgroundProcess : IAsyncDisposable
{
    private const int MaxOutputChars = 1 << 20;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TimeProvider _time;

    private BackgroundProcess(Process process, string label, TimeProvider time)
    {
        _process = process;
        Label = label;
        _time = time;
    }

    /// <summary>Short name for messages.</summary>
    public string Label { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Everything printed so far (stdout and stderr interleaved, the first MiB).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/>. With <paramref name="standardInput"/> true the caller writes to
    /// <see cref="StandardInput"/>; otherwise stdin is closed at once. With <paramref name="binaryOutput"/> true the
    /// caller reads stdout as bytes from <see cref="StandardOutput"/> (a media pipe) and only stderr is captured.
    /// </summary>
    public static BackgroundProcess Start(
        string label, string fileName, IEnumerable<string> arguments, TimeProvider time, bool standardInput = false,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, bool binaryOutput = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var result = new BackgroundProcess(process, label, time);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {fileName} ({label}): {e.Message}. Is it installed (see .ci/run)?", e);
        }

        if (!standardInput)
        {
            process.StandardInput.Close();
        }

        if (!binaryOutput)
        {
            process.BeginOutputReadLine();
        }

        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>The child's stdin (only when started with <c>standardInput: true</c>).</summary>
    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>The child's stdout as bytes (only when started with <c>binaryOutput: true</c>).</summary>
    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>Waits (bounded) until the output contains <paramref name="text"/>; throws with the output if the process exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Label} exited with {_process.ExitCode} before printing '{text}'. Output:\n{Tail(Output)}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{Label} did not print '{text}' within {timeout.TotalSeconds:0} s. Output:\n{Tail(Output)}");
            }
        }
    }

    /// <summary>Waits for the process to exit on its own; on timeout kills it and throws.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ProcessRunner.Kill(_process);
            throw new TimeoutException($"{Label} did not exit within {timeout.TotalSeconds:0} s. Output:\n{Tail(Output)}");
        }

        return _process.ExitCode;
    }

    /// <summary>The last <paramref name="chars"/> characters of <paramref name="text"/>.</summary>
    public static string Tail(string text, int chars = 3000) => text.Length <= chars ? text : "..." + text[^chars..];

    public async ValueTask DisposeAsync()
    {
        ProcessRunner.Kill(_process);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A process that ignores SIGKILL for 10 s is stuck in the kernel; nothing more we can do.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < MaxOutputChars)
            {
                _output.AppendLine(line);
            }
        }
    }
}
