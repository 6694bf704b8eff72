namespace MoqLive.Cli;

/// <summary>Process exit codes of <c>moqlive</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran but failed (I/O error, refused to overwrite, ...). Usage errors also exit with 1.</summary>
    public const int Failure = 1;
}
