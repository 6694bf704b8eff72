namespace MoqLive.Testing;

/// <summary>Locates the repository root (the folder with MoqLive.slnx) from the test binaries.</summary>
public static class RepositoryRoot
{
    /// <summary>The repository root; throws if the test binaries are not inside a checkout.</summary>
    public static string Path
    {
        get
        {
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(System.IO.Path.Combine(directory, "MoqLive.slnx")))
                directory = System.IO.Path.GetDirectoryName(directory);
            return directory ?? throw new InvalidOperationException("Repository root (MoqLive.slnx) not found.");
        }
    }
}
