namespace MoqLive.Http3;

/// <summary>
/// One field line (RFC 9110 §5; RFC 9204 "field line"): a lowercase name and a value. Names and values are
/// octet strings on the wire; they are mapped to strings one byte per char (Latin-1), so any octet round-trips.
/// </summary>
/// <param name="Name">The field name, e.g. <c>:path</c> or <c>content-type</c>.</param>
/// <param name="Value">The field value.</param>
public readonly record struct HeaderField(string Name, string Value)
{
    /// <summary>The field's size for SETTINGS_MAX_FIELD_SECTION_SIZE: name and value lengths plus 32 (RFC 9114 §4.2.2).</summary>
    public long Size => Name.Length + Value.Length + 32L;
}
