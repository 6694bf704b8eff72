using System.Globalization;

namespace MoqLive.Http3.Internal;

/// <summary>
/// Checks field sections against RFC 9114 §4.1.2, §4.2 and §4.3 (and RFC 9220 §3 for extended CONNECT). A
/// malformed message is a stream error of type H3_MESSAGE_ERROR (§4.1.2).
/// </summary>
internal static class Http3HeaderValidator
{
    /// <summary>Validates a request header section and splits control data from header fields.</summary>
    public static RequestHead ValidateRequest(List<HeaderField> fields, bool extendedConnectEnabled)
    {
        string? method = null, scheme = null, authority = null, path = null, protocol = null;
        int regularStart = ReadPseudoHeaders(fields, (name, value) =>
        {
            switch (name)
            {
                case ":method": Set(ref method, name, value); break;
                case ":scheme": Set(ref scheme, name, value); break;
                case ":authority": Set(ref authority, name, value); break;
                case ":path": Set(ref path, name, value); break;
                case ":protocol": Set(ref protocol, name, value); break;
                default: throw Malformed($"The request carries the pseudo-header {name}.");
            }
        });

        List<HeaderField> headers = fields.GetRange(regularStart, fields.Count - regularStart);
        long? contentLength = ValidateRegularFields(headers);

        if (method is null)
            throw Malformed("The request has no :method.");

        if (protocol is not null)
        {
            // RFC 9220 §3 / RFC 8441 §4: :protocol only on CONNECT, only when SETTINGS_ENABLE_CONNECT_PROTOCOL was
            // sent, and then :scheme, :path and :authority are all required.
            if (method != "CONNECT")
                throw Malformed(":protocol is only allowed with CONNECT.");
            if (!extendedConnectEnabled)
                throw Malformed(":protocol was sent although SETTINGS_ENABLE_CONNECT_PROTOCOL is not enabled.");
            if (scheme is null || path is null || authority is null)
                throw Malformed("Extended CONNECT needs :scheme, :path and :authority.");
        }
        else if (method == "CONNECT")
        {
            // RFC 9114 §4.4: CONNECT omits :scheme and :path and carries :authority.
            if (scheme is not null || path is not null)
                throw Malformed("CONNECT must not carry :scheme or :path.");
            if (string.IsNullOrEmpty(authority))
                throw Malformed("CONNECT needs :authority.");
        }
        else
        {
            // RFC 9114 §4.3.1: all other requests carry exactly one :method, :scheme and :path (non-empty for http/https).
            if (scheme is null || path is null)
                throw Malformed("The request has no :scheme or :path.");
            if (path.Length == 0)
                throw Malformed("The :path is empty.");
        }

        return new RequestHead(method, scheme, authority, path, protocol, headers, contentLength);
    }

    /// <summary>Validates a response header section; returns the status and the header fields.</summary>
    public static (int Status, List<HeaderField> Headers, long? ContentLength) ValidateResponse(List<HeaderField> fields)
    {
        string? status = null;
        int regularStart = ReadPseudoHeaders(fields, (name, value) =>
        {
            if (name != ":status")
                throw Malformed($"The response carries the pseudo-header {name}.");
            Set(ref status, name, value);
        });

        // RFC 9114 §4.3.2: exactly one :status, a three-digit code (RFC 9110 §15).
        if (status is null || status.Length != 3 || !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out int code)
            || code < 100)
        {
            throw Malformed("The response has no valid :status.");
        }

        List<HeaderField> headers = fields.GetRange(regularStart, fields.Count - regularStart);
        long? contentLength = ValidateRegularFields(headers);
        return (code, headers, contentLength);
    }

    /// <summary>Validates a trailer section: no pseudo-headers (RFC 9114 §4.3).</summary>
    public static void ValidateTrailers(List<HeaderField> fields)
    {
        if (ReadPseudoHeaders(fields, (name, _) => throw Malformed($"Trailers carry the pseudo-header {name}.")) != 0)
            throw Malformed("Trailers carry pseudo-headers.");
        ValidateRegularFields(fields);
    }

    // RFC 9114 §4.3: pseudo-headers come first, each at most once; returns the index of the first regular field.
    private static int ReadPseudoHeaders(List<HeaderField> fields, Action<string, string> onPseudoHeader)
    {
        int i = 0;
        while (i < fields.Count && fields[i].Name.StartsWith(':'))
        {
            onPseudoHeader(fields[i].Name, fields[i].Value);
            i++;
        }

        for (int j = i; j < fields.Count; j++)
        {
            if (fields[j].Name.StartsWith(':'))
                throw Malformed($"The pseudo-header {fields[j].Name} follows a regular field.");
        }

        return i;
    }

    private static long? ValidateRegularFields(List<HeaderField> fields)
    {
        long? contentLength = null;
        foreach ((string name, string value) in fields)
        {
            ValidateName(name);
            ValidateValue(name, value);

            // RFC 9114 §4.2: connection-specific fields are malformed; TE may only be "trailers".
            switch (name)
            {
                case "connection" or "keep-alive" or "proxy-connection" or "transfer-encoding" or "upgrade":
                    throw Malformed($"The connection-specific field {name} is not allowed in HTTP/3.");
                case "te" when value != "trailers":
                    throw Malformed("TE may only be \"trailers\".");
                case "content-length":
                    {
                        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
                            throw Malformed("content-length is not a number.");
                        if (contentLength is { } previous && previous != length)
                            throw Malformed("content-length appears with different values.");
                        contentLength = length;
                        break;
                    }
            }
        }

        return contentLength;
    }

    private static void ValidateName(string name)
    {
        if (name.Length == 0)
            throw Malformed("A field name is empty.");

        // RFC 9110 §5.1 token characters, lowercase only (RFC 9114 §4.2).
        foreach (char c in name)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!ok)
                throw Malformed($"The field name \"{name}\" has a character that is not allowed (uppercase or not a token).");
        }
    }

    private static void ValidateValue(string name, string value)
    {
        // RFC 9110 §5.5: no NUL, CR or LF, and no leading or trailing whitespace.
        foreach (char c in value)
        {
            if (c is '\0' or '\r' or '\n')
                throw Malformed($"The value of {name} contains NUL, CR or LF.");
        }

        if (value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t'))
            throw Malformed($"The value of {name} has leading or trailing whitespace.");
    }

    private static void Set(ref string? slot, string name, string value)
    {
        if (slot is not null)
            throw Malformed($"The pseudo-header {name} appears twice.");
        slot = value;
    }

    private static Http3StreamErrorException Malformed(string message) => new(Http3ErrorCode.MessageError, message);
}
