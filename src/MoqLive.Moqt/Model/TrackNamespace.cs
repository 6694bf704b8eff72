using System.Text;

namespace MoqLive.Moqt.Model;

/// <summary>
/// A Track Namespace: an ordered tuple of 0–32 non-empty byte fields (draft-ietf-moq-transport-19 §"Track Naming").
/// Immutable; compared field by field, byte by byte. Relays match namespaces by prefix
/// (§"Publisher Interactions", namespace prefix matching): (foo, bar) matches the prefixes (), (foo) and (foo, bar),
/// not (foobar).
/// </summary>
public sealed class TrackNamespace : IEquatable<TrackNamespace>
{
    /// <summary>The largest number of fields a namespace may have.</summary>
    public const int MaxFields = 32;

    /// <summary>The largest total length of a namespace or full track name in bytes.</summary>
    public const int MaxLength = 4096;

    private readonly byte[][] _fields;
    private readonly int _hash;

    /// <summary>The empty namespace (). It is a prefix of every namespace.</summary>
    public static TrackNamespace Empty { get; } = new([]);

    private TrackNamespace(byte[][] fields)
    {
        _fields = fields;
        var hash = new HashCode();
        foreach (var field in fields)
        {
            hash.AddBytes(field);
            hash.Add(field.Length);
        }

        _hash = hash.ToHashCode();
        Length = fields.Sum(static f => f.Length);
    }

    /// <summary>Number of fields.</summary>
    public int Count => _fields.Length;

    /// <summary>Sum of the field lengths in bytes.</summary>
    public int Length { get; }

    /// <summary>The field at <paramref name="index"/>. The memory is owned by this namespace and never changes.</summary>
    public ReadOnlyMemory<byte> this[int index] => _fields[index];

    /// <summary>Creates a namespace from byte fields (copied).</summary>
    /// <exception cref="ArgumentException">More than 32 fields, an empty field, or more than 4096 bytes.</exception>
    public static TrackNamespace Create(IEnumerable<ReadOnlyMemory<byte>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var copy = fields.Select(static f => f.ToArray()).ToArray();
        Validate(copy);
        return new TrackNamespace(copy);
    }

    /// <summary>Creates a namespace from UTF-8 strings, e.g. <c>TrackNamespace.Of("live", "alice")</c>.</summary>
    public static TrackNamespace Of(params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var bytes = fields.Select(static f => Encoding.UTF8.GetBytes(f)).ToArray();
        Validate(bytes);
        return new TrackNamespace(bytes);
    }

    /// <summary>True if this namespace's fields are a leading subsequence of <paramref name="other"/> (equal counts too).</summary>
    public bool IsPrefixOf(TrackNamespace other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_fields.Length > other._fields.Length)
            return false;
        for (int i = 0; i < _fields.Length; i++)
        {
            if (!_fields[i].AsSpan().SequenceEqual(other._fields[i]))
                return false;
        }

        return true;
    }

    /// <summary>The fields after <paramref name="prefix"/> (used for NAMESPACE / NAMESPACE_DONE suffixes).</summary>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is not a prefix of this namespace.</exception>
    public TrackNamespace RemovePrefix(TrackNamespace prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.IsPrefixOf(this))
            throw new ArgumentException("Not a prefix of this namespace.", nameof(prefix));
        return new TrackNamespace(_fields[prefix.Count..]);
    }

    /// <summary>This namespace followed by the fields of <paramref name="suffix"/>.</summary>
    public TrackNamespace Append(TrackNamespace suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        var fields = new byte[_fields.Length + suffix._fields.Length][];
        _fields.CopyTo(fields, 0);
        suffix._fields.CopyTo(fields, _fields.Length);
        Validate(fields);
        return new TrackNamespace(fields);
    }

    /// <inheritdoc />
    public bool Equals(TrackNamespace? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other._hash != _hash || other._fields.Length != _fields.Length)
            return false;
        for (int i = 0; i < _fields.Length; i++)
        {
            if (!_fields[i].AsSpan().SequenceEqual(other._fields[i]))
                return false;
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TrackNamespace);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>
    /// The RECOMMENDED safe rendering (§"Representing Namespace and Track Names"): fields joined by '-',
    /// bytes outside [a-zA-Z0-9_] as '.' and two lower-case hex digits.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _fields.Length; i++)
        {
            if (i > 0)
                sb.Append('-');
            AppendSafe(sb, _fields[i]);
        }

        return sb.ToString();
    }

    internal static void AppendSafe(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'_')
                sb.Append((char)b);
            else
                sb.Append('.').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void Validate(byte[][] fields)
    {
        if (fields.Length > MaxFields)
            throw new ArgumentException($"A track namespace has at most {MaxFields} fields; got {fields.Length}.", nameof(fields));
        int total = 0;
        foreach (var field in fields)
        {
            if (field.Length == 0)
                throw new ArgumentException("Track namespace fields must not be empty.", nameof(fields));
            total += field.Length;
        }

        if (total > MaxLength)
            throw new ArgumentException($"A track namespace is at most {MaxLength} bytes; got {total}.", nameof(fields));
    }
}
