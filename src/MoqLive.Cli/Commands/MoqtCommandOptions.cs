using System.CommandLine;
using System.Text;
using MoqLive.Moqt.Model;

namespace MoqLive.Cli.Commands;

/// <summary>Arguments shared by <c>publish</c> and <c>subscribe</c>: URL, namespace, track.</summary>
internal static class MoqtCommandOptions
{
    public static Argument<string> CreateUrlArgument()
    {
        var url = new Argument<string>("URL") { Description = "moqt://host:port/path (raw QUIC) or https://host:port/moq (WebTransport)." };
        url.Validators.Add(r =>
        {
            string text = r.GetValueOrDefault<string>() ?? string.Empty;
            if (MoqtClientConnection.ParseUrl(text) is null)
                r.AddError($"URL '{text}' must be moqt://host:port/path or https://host:port/path, e.g. moqt://127.0.0.1:4443/.");
        });
        return url;
    }

    public static Option<string> CreateNamespaceOption(bool required = true)
    {
        var ns = new Option<string>("--namespace", "-n") { Description = "Track namespace; '/' separates its fields (live/alice).", Required = required, HelpName = "NS" };
        ns.Validators.Add(r =>
        {
            if (ParseNamespace(r.GetValueOrDefault<string>() ?? string.Empty) is null)
                r.AddError($"--namespace '{r.GetValueOrDefault<string>()}' needs 1 to 32 non-empty fields separated by '/'.");
        });
        return ns;
    }

    public static Option<string> CreateTrackOption(bool required = true) =>
        new("--track", "-t") { Description = "Track name.", Required = required, HelpName = "T" };

    public static TrackNamespace? ParseNamespace(string text)
    {
        string[] fields = text.Split('/');
        if (fields.Length is 0 or > TrackNamespace.MaxFields || fields.Any(f => f.Length == 0))
            return null;
        try
        {
            return TrackNamespace.Of(fields);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static string Describe(TrackNamespace ns) =>
        string.Join('/', Enumerable.Range(0, ns.Count).Select(i => Encoding.UTF8.GetString(ns[i].Span)));
}
