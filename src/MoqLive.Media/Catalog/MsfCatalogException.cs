namespace MoqLive.Media.Catalog;

/// <summary>A catalog that is not valid JSON or breaks the channel format; the message names the field.</summary>
public sealed class MsfCatalogException : FormatException
{
    public MsfCatalogException(string message)
        : base(message)
    {
    }

    public MsfCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MsfCatalogException()
    {
    }
}
