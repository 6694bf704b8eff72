using System.Text;

namespace MoqLive.Http3.WebTransport;

/// <summary>
/// The small part of Structured Field Values (RFC 8941 §3.3.3 sf-string, §3.1 sf-list) that
/// <c>wt-available-protocols</c> and <c>wt-protocol</c> need.
/// </summary>
internal static class StructuredFieldStrings
{
    /// <summary>Formats an sf-string: quoted, with <c>\</c> and <c>"</c> escaped.</summary>
    public static string FormatString(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            if (c is < ' ' or > '~')
                throw new ArgumentException("An sf-string holds printable ASCII only.", nameof(value));
            if (c is '"' or '\\')
                builder.Append('\\');
            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Formats an sf-list of sf-strings.</summary>
    public static string FormatList(IEnumerable<string> values) => string.Join(", ", values.Select(FormatString));

    /// <summary>Parses one sf-string (parameters after it are ignored); null when it is not one.</summary>
    public static string? ParseString(string field)
    {
        ReadOnlySpan<char> span = field.AsSpan().Trim();
        if (span.Length < 2 || span[0] != '"')
            return null;

        var builder = new StringBuilder();
        for (int i = 1; i < span.Length; i++)
        {
            char c = span[i];
            if (c == '\\')
            {
                if (++i >= span.Length || span[i] is not ('"' or '\\'))
                    return null;
                builder.Append(span[i]);
            }
            else if (c == '"')
            {
                return builder.ToString();
            }
            else
            {
                builder.Append(c);
            }
        }

        return null;
    }

    /// <summary>Parses an sf-list of sf-strings (members that are not strings are skipped).</summary>
    public static List<string> ParseList(string field)
    {
        var result = new List<string>();
        foreach (string member in field.Split(','))
        {
            string trimmed = member.Trim();
            int parameters = trimmed.LastIndexOf('"');
            if (parameters > 0 && ParseString(trimmed[..(parameters + 1)]) is { } value)
                result.Add(value);
        }

        return result;
    }
}
