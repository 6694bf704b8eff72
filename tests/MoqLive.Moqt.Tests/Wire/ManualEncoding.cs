using MoqLive.Moqt.Wire;
using ObjectStatus = MoqLive.Moqt.Model.ObjectStatus;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>
/// Builds type-sweep vectors by concatenating draft-19 fields directly (independent of the codec's encoders;
/// only vi64 is shared, and it is checked against the draft's own examples).
/// </summary>
internal static class ManualEncoding
{
    /// <summary>0x10–15, 0x18–1D, 0x30–35, 0x38–3D, 0x50–55, 0x58–5D, 0x70–75, 0x78–7D (draft-19 §"Subgroup Header").</summary>
    public static IReadOnlyList<byte> ValidSubgroupTypes { get; } =
        [.. new[] { 0x10, 0x18, 0x30, 0x38, 0x50, 0x58, 0x70, 0x78 }.SelectMany(b => Enumerable.Range(b, 6)).Select(t => (byte)t)];

    /// <summary>0x00–0x0F, 0x20/21, 0x24/25, 0x28/29, 0x2C/2D (draft-19 §"Object Datagram").</summary>
    public static IReadOnlyList<byte> ValidDatagramTypes { get; } =
        [.. Enumerable.Range(0, 16).Concat([0x20, 0x21, 0x24, 0x25, 0x28, 0x29, 0x2C, 0x2D]).Select(t => (byte)t)];

    private static string V(ulong value)
    {
        Span<byte> buffer = stackalloc byte[9];
        return Hex.Of(buffer[..Vi64.Write(buffer, value)]);
    }

    public static (string Hex, SubgroupStream Stream) SubgroupSweep(byte type)
    {
        bool properties = (type & 0x01) != 0;
        var mode = (SubgroupIdMode)((type >> 1) & 0x03);
        bool endOfGroup = (type & 0x08) != 0;
        bool defaultPriority = (type & 0x20) != 0;
        bool firstObject = (type & 0x40) != 0;

        // Header: Type, Track Alias 33, Group ID 0x1234, [Subgroup ID 5], [Priority 0x7f].
        string hex = V(type) + V(33) + V(0x1234) + (mode == SubgroupIdMode.Explicit ? V(5) : "") + (defaultPriority ? "" : "7f");
        // Object: Object ID Delta 10 (first object: absolute), [Properties Length 2: {0x3C: 2}], length 1, "p".
        hex += V(10) + (properties ? "02" + "3c" + "02" : "") + "01" + "70";

        var header = new SubgroupHeader
        {
            TrackAlias = 33,
            GroupId = 0x1234,
            SubgroupIdMode = mode,
            SubgroupId = mode == SubgroupIdMode.Explicit ? 5UL : 0UL,
            PublisherPriority = defaultPriority ? null : (byte)0x7f,
            HasProperties = properties,
            EndOfGroup = endOfGroup,
            FirstObject = firstObject,
        };
        IReadOnlyList<MoqtKeyValuePair> props = properties ? [MoqtKeyValuePair.FromInt(0x3C, 2)] : [];
        var stream = new SubgroupStream(header, [new SubgroupStreamObject(SubgroupObjectHeader.ForPayload(10, 1, props), new byte[] { 0x70 })]);
        return (hex, stream);
    }

    public static (string Hex, ObjectDatagram Datagram) DatagramSweep(byte type)
    {
        bool properties = (type & 0x01) != 0;
        bool endOfGroup = (type & 0x02) != 0;
        bool zeroObjectId = (type & 0x04) != 0;
        bool defaultPriority = (type & 0x08) != 0;
        bool status = (type & 0x20) != 0;

        // Status datagrams cannot end a group, so they use End of Group status only without properties, Normal with.
        ObjectStatus? objectStatus = status ? (properties ? ObjectStatus.Normal : ObjectStatus.EndOfGroup) : null;
        string hex = V(type) + V(33) + V(0x1234) + (zeroObjectId ? "" : V(10)) + (defaultPriority ? "" : "7f") +
            (properties ? "02" + "3c" + "02" : "") + (status ? V((ulong)objectStatus!.Value) : "70");

        var datagram = new ObjectDatagram
        {
            TrackAlias = 33,
            GroupId = 0x1234,
            ObjectId = zeroObjectId ? 0UL : 10UL,
            PublisherPriority = defaultPriority ? null : (byte)0x7f,
            Properties = properties ? [MoqtKeyValuePair.FromInt(0x3C, 2)] : [],
            EndOfGroup = endOfGroup,
            Status = objectStatus,
            Payload = status ? ReadOnlyMemory<byte>.Empty : new byte[] { 0x70 },
        };
        return (hex, datagram);
    }
}
