using System.Collections;

namespace MoqLive.Moqt.Model;

/// <summary>
/// An immutable list of object or track properties in the order they were received or written. Shared freely between
/// consumers; never modified after creation.
/// </summary>
public sealed class MoqtProperties : IReadOnlyList<MoqtProperty>
{
    private readonly MoqtProperty[] _items;

    /// <summary>No properties.</summary>
    public static MoqtProperties Empty { get; } = new([]);

    private MoqtProperties(MoqtProperty[] items) => _items = items;

    /// <summary>Creates a property list (copied).</summary>
    public static MoqtProperties Create(IEnumerable<MoqtProperty> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var array = items.ToArray();
        return array.Length == 0 ? Empty : new MoqtProperties(array);
    }

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public MoqtProperty this[int index] => _items[index];

    /// <summary>Approximate encoded size, used for cache accounting.</summary>
    public int ByteSize
    {
        get
        {
            int size = 0;
            foreach (var p in _items)
                size += 9 + (p.IsBytes ? 2 + p.BytesValue.Length : 8);
            return size;
        }
    }

    /// <summary>The first property of <paramref name="type"/>, if any.</summary>
    public bool TryGet(ulong type, out MoqtProperty property)
    {
        foreach (var p in _items)
        {
            if (p.Type == type)
            {
                property = p;
                return true;
            }
        }

        property = default;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<MoqtProperty> GetEnumerator() => ((IEnumerable<MoqtProperty>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}
