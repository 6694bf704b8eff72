namespace MoqLive.Testing;

/// <summary>Locates the repository root (the folder with MoqLive.slnx) from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            string? directory = AppContext.BaseDirectory;
            while (directory is not null && !File.Exists(Path.Combine(directory, "MoqLive.slnx")))
                directory = Path.GetDirectoryName(directory);
            return directory ?? throw new InvalidOperationException("Repository root (MoqLive.slnx) not found.");
        }
    }
}
