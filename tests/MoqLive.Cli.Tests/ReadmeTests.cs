using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using MoqLive.Testing;

namespace MoqLive.Cli.Tests;

/// <summary>The README documents every CLI command and option that exists (DEVELOPERS.md standards).</summary>
public sealed partial class ReadmeTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach ((string path, _) in Walk(MoqLiveCli.CreateRootCommand(), "moqlive"))
            data.Add(path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Readme_DocumentsTheCommandAndEachOfItsOptions(string path)
    {
        Command command = Walk(MoqLiveCli.CreateRootCommand(), "moqlive").Single(c => c.Path == path).Command;
        string section = Section(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")), path);
        string[] missing = command.Options
            .Where(o => !o.Hidden && o.Name is not ("--help" or "--version"))
            .Select(o => o.Name)
            .Where(name => !Regex.IsMatch(section, $@"(?<![\w-]){Regex.Escape(name)}(?![\w-])"))
            .ToArray();
        Assert.True(missing.Length == 0, $"README section of `{path}` does not mention {string.Join(", ", missing)}");
    }

    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        // Groups (commands with subcommands and no action) are documented through their subcommands.
        if (command.Subcommands.Count == 0 || command.Action is not null)
            yield return (path, command);
        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach ((string Path, Command Command) inner in Walk(sub, $"{path} {sub.Name}"))
                yield return inner;
        }
    }

    /// <summary>
    /// The text under every heading that names the command (<c>### `moqlive bench quic`</c>, or a usage form such as
    /// <c>### `moqlive publish --channel NAME ...`</c>), each up to the next heading of its level or above. Lines in
    /// fenced code blocks are not headings (a shell comment starts with <c>#</c> too).
    /// </summary>
    private static string Section(string readme, string path)
    {
        string[] lines = readme.Split('\n');
        var headings = new List<(int Line, int Level)>();
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
                fenced = !fenced;
            else if (!fenced && HeadingPattern().Match(lines[i]) is { Success: true } heading)
                headings.Add((i, heading.Groups[1].Length));
        }

        var named = new Regex($@"^#+ `{Regex.Escape(path)}(?: [^`]*)?`\s*$");
        var text = new StringBuilder();
        for (int h = 0; h < headings.Count; h++)
        {
            if (!named.IsMatch(lines[headings[h].Line]))
                continue;
            int end = headings.Skip(h + 1).FirstOrDefault(next => next.Level <= headings[h].Level, (Line: lines.Length, Level: 0)).Line;
            text.AppendJoin('\n', lines[headings[h].Line..end]);
        }

        Assert.True(text.Length > 0, $"README has no heading for `{path}`");
        return text.ToString();
    }

    [GeneratedRegex("^(#+) ")]
    private static partial Regex HeadingPattern();
}
