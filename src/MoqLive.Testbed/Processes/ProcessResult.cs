namespace MoqLive.Testbed.Processes;

/// <summary>How a finished child process ended and what it printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);
