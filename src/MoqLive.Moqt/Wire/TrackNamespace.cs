using System.Text;

namespace MoqLive.Moqt.Wire;

/// <summary>
/// A Track Namespace: an ordered tuple of 0–32 non-empty byte fields, at most 4096 bytes in total
/// (draft-ietf-moq-transport-19 §"Track Naming"). Compared by exact bytes. Immutable.
/// </summary>
public sealed class TrackNamespace : IEquatable<TrackNamespace>
{
    private readonly ReadOnlyMemory<byte>[] _fields;

    /// <summary>The empty namespace (valid as a prefix).</summary>
    public static TrackNamespace Empty { get; } = new([]);

    private TrackNamespace(ReadOnlyMemory<byte>[] fields)
    {
        _fields = fields;
    }

    /// <summary>The fields in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Fields => _fields;

    /// <summary>Number of fields.</summary>
    public int Count => _fields.Length;

    /// <summary>Sum of the field lengths (the "length of a Track Namespace").</summary>
    public int ByteLength
    {
        get
        {
            int total = 0;
            foreach (ReadOnlyMemory<byte> f in _fields)
                total += f.Length;
            return total;
        }
    }

    /// <summary>Creates a namespace from byte fields (copied), validating the draft-19 limits.</summary>
    public static TrackNamespace Create(params IEnumerable<ReadOnlyMemory<byte>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ReadOnlyMemory<byte>[] copy = [.. fields.Select(f => (ReadOnlyMemory<byte>)f.ToArray())];
        Validate(copy);
        return new TrackNamespace(copy);
    }

    /// <summary>Creates a namespace from UTF-8 strings.</summary>
    public static TrackNamespace FromStrings(params IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ReadOnlyMemory<byte>[] encoded = [.. fields.Select(f => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(f))];
        Validate(encoded);
        return new TrackNamespace(encoded);
    }

    private static void Validate(ReadOnlyMemory<byte>[] fields)
    {
        if (fields.Length > WireLimits.MaxNamespaceFields)
            throw new ArgumentException($"A Track Namespace has at most {WireLimits.MaxNamespaceFields} fields.", nameof(fields));
        int total = 0;
        foreach (ReadOnlyMemory<byte> field in fields)
        {
            if (field.IsEmpty)
                throw new ArgumentException("Track Namespace Fields must not be empty.", nameof(fields));
            total += field.Length;
        }

        if (total > WireLimits.MaxFullTrackNameLength)
            throw new ArgumentException($"A Track Namespace is at most {WireLimits.MaxFullTrackNameLength} bytes.", nameof(fields));
    }

    /// <summary>True when this namespace begins with every field of <paramref name="prefix"/>.</summary>
    public bool StartsWith(TrackNamespace prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Count > Count)
            return false;
        for (int i = 0; i < prefix.Count; i++)
        {
            if (!_fields[i].Span.SequenceEqual(prefix._fields[i].Span))
                return false;
        }

        return true;
    }

    /// <summary>The fields after the first <paramref name="count"/> (a NAMESPACE suffix).</summary>
    public TrackNamespace Skip(int count) => new(_fields[count..]);

    /// <summary>This namespace followed by the fields of <paramref name="suffix"/>.</summary>
    public TrackNamespace Concat(TrackNamespace suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        ReadOnlyMemory<byte>[] fields = [.. _fields, .. suffix._fields];
        Validate(fields);
        return new TrackNamespace(fields);
    }

    internal int GetEncodedLength()
    {
        int length = Vi64.GetEncodedLength((ulong)_fields.Length);
        foreach (ReadOnlyMemory<byte> field in _fields)
            length += WireLimits.LengthPrefixed(field.Length);
        return length;
    }

    internal void Write(ref MoqtSpanWriter writer)
    {
        writer.WriteVi64((ulong)_fields.Length);
        foreach (ReadOnlyMemory<byte> field in _fields)
            writer.WriteLengthPrefixed(field.Span);
    }

    /// <summary>Reads a Track Namespace, enforcing field count, empty-field and total-length rules.</summary>
    internal static TrackNamespace Read(ref MoqtBodyReader reader)
    {
        ulong count = reader.ReadVi64();
        if (count > WireLimits.MaxNamespaceFields)
            ThrowHelper.ProtocolViolation($"Track Namespace has {count} fields; at most {WireLimits.MaxNamespaceFields} are allowed");
        if (count == 0)
            return Empty;

        var fields = new ReadOnlyMemory<byte>[(int)count];
        int total = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            ReadOnlySpan<byte> field = reader.ReadLengthPrefixed(WireLimits.MaxFullTrackNameLength, "Track Namespace Field");
            if (field.IsEmpty)
                ThrowHelper.ProtocolViolation("Track Namespace Field Length is 0");
            total += field.Length;
            if (total > WireLimits.MaxFullTrackNameLength)
                ThrowHelper.ProtocolViolation($"Track Namespace exceeds {WireLimits.MaxFullTrackNameLength} bytes");
            fields[i] = field.ToArray();
        }

        return new TrackNamespace(fields);
    }

    /// <summary>Reads a Track Name (after its namespace), enforcing the 4096-byte Full Track Name limit.</summary>
    internal static ReadOnlyMemory<byte> ReadTrackName(ref MoqtBodyReader reader, TrackNamespace ns)
    {
        int budget = WireLimits.MaxFullTrackNameLength - ns.ByteLength;
        ulong length = reader.ReadVi64();
        if (length > (ulong)budget)
            ThrowHelper.ProtocolViolation($"Full Track Name exceeds {WireLimits.MaxFullTrackNameLength} bytes");
        return reader.ReadBytes((int)length).ToArray();
    }

    internal static void ValidateTrackName(TrackNamespace ns, ReadOnlyMemory<byte> name)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (ns.ByteLength + name.Length > WireLimits.MaxFullTrackNameLength)
            throw new ArgumentException($"A Full Track Name is at most {WireLimits.MaxFullTrackNameLength} bytes.", nameof(name));
    }

    public bool Equals(TrackNamespace? other)
    {
        if (other is null || other.Count != Count)
            return false;
        for (int i = 0; i < _fields.Length; i++)
        {
            if (!_fields[i].Span.SequenceEqual(other._fields[i].Span))
                return false;
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TrackNamespace);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (ReadOnlyMemory<byte> field in _fields)
        {
            hash.Add(field.Length);
            hash.AddBytes(field.Span);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(TrackNamespace? left, TrackNamespace? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(TrackNamespace? left, TrackNamespace? right) => !(left == right);

    /// <summary>The RECOMMENDED rendering (draft-19 §"Representing Namespace and Track Names"): fields joined by '-'.</summary>
    public override string ToString() => string.Join('-', _fields.Select(f => RenderName(f.Span)));

    /// <summary>Renders bytes per draft-19: a–z, A–Z, 0–9 and '_' as is, every other byte as '.' + two lower-case hex digits.</summary>
    public static string RenderName(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_')
                builder.Append((char)b);
            else
                builder.Append('.').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
