using MoqLive.Moqt.Wire;
using Location = MoqLive.Moqt.Model.Location;
using GroupOrder = MoqLive.Moqt.Model.GroupOrder;
using ObjectStatus = MoqLive.Moqt.Model.ObjectStatus;
using RequestErrorCode = MoqLive.Moqt.Model.RequestErrorCode;
using PublishDoneStatusCode = MoqLive.Moqt.Model.PublishDoneStatusCode;
using static MoqLive.Moqt.Tests.Wire.Hex;

namespace MoqLive.Moqt.Tests.Wire;

/// <summary>A golden vector: the bytes (written by hand from the draft-19 layouts) and the value they encode.</summary>
/// <param name="Name">Unique name, grouped by kind.</param>
/// <param name="Kind">vi64, control, subgroup_stream, fetch_stream, datagram, padding_stream or padding_datagram.</param>
/// <param name="Hex">Lower-case hex of the wire bytes.</param>
/// <param name="Value">The decoded value (its JSON rendering is the vector's "fields").</param>
/// <param name="DecodeOnly">A valid but non-canonical encoding: decoding must give the value; encoding gives other bytes.</param>
internal sealed record GoldenVector(string Name, string Kind, string Hex, object Value, bool DecodeOnly = false);

internal sealed record Vi64Value(ulong Value);

internal sealed record PaddingValue(int PaddingLength);

/// <summary>
/// Every golden vector. The hex strings are written by hand from the draft-19 field layouts (spaces separate
/// fields; comments walk through several byte by byte); the tests check that our encoder produces them and that
/// our decoder reads them back. The type sweeps (every valid SUBGROUP_HEADER and OBJECT_DATAGRAM type) build
/// their bytes with <see cref="ManualEncoding"/>, a separate field-by-field concatenation that shares only vi64
/// with the codec.
/// </summary>
internal static class GoldenVectorCatalog
{
    private static readonly TrackNamespace MoqDemo = TrackNamespace.FromStrings("moq", "demo");
    private static readonly TrackNamespace Moq = TrackNamespace.FromStrings("moq");
    private static readonly TrackNamespace A1 = TrackNamespace.FromStrings("a");

    public static IReadOnlyList<GoldenVector> All { get; } = Build();

    private static List<GoldenVector> Build()
    {
        var v = new List<GoldenVector>();
        AddVi64(v);
        AddControl(v);
        AddSubgroupStreams(v);
        AddFetchStreams(v);
        AddDatagrams(v);
        v.Add(new GoldenVector("padding/stream-4", "padding_stream", "f0132b3e28" + "00000000", new PaddingValue(4)));
        v.Add(new GoldenVector("padding/datagram-3", "padding_datagram", "f0132b3e29" + "000000", new PaddingValue(3)));
        return v;
    }

    private static void AddVi64(List<GoldenVector> v)
    {
        // draft-19 §"Variable-Length Integers", "Example Integer Encodings".
        v.Add(new("vi64/spec-37", "vi64", "25", new Vi64Value(37)));
        v.Add(new("vi64/spec-37-two-bytes", "vi64", "8025", new Vi64Value(37), DecodeOnly: true));
        v.Add(new("vi64/spec-15293", "vi64", "bbbd", new Vi64Value(15_293)));
        v.Add(new("vi64/spec-226442877", "vi64", "ed7f3e7d", new Vi64Value(226_442_877)));
        v.Add(new("vi64/spec-2893212287960", "vi64", "faa1a0e403d8", new Vi64Value(2_893_212_287_960)));
        v.Add(new("vi64/spec-151288809941952", "vi64", "fc8998abc66bc0", new Vi64Value(151_288_809_941_952)));
        v.Add(new("vi64/spec-70423237261249041", "vi64", "fefa318fa8e3ca11", new Vi64Value(70_423_237_261_249_041)));
        v.Add(new("vi64/spec-max", "vi64", "ffffffffffffffffff", new Vi64Value(ulong.MaxValue)));
        // Boundaries of each length: 0x7f | 10xxxxxx.. | 110xxxxx.. etc.
        v.Add(new("vi64/0", "vi64", "00", new Vi64Value(0)));
        v.Add(new("vi64/127", "vi64", "7f", new Vi64Value(127)));
        v.Add(new("vi64/128", "vi64", "8080", new Vi64Value(128)));
        v.Add(new("vi64/16383", "vi64", "bfff", new Vi64Value(16_383)));
        v.Add(new("vi64/16384", "vi64", "c04000", new Vi64Value(16_384)));
        v.Add(new("vi64/2^56-1", "vi64", "feffffffffffffff", new Vi64Value((1UL << 56) - 1)));
        v.Add(new("vi64/2^56", "vi64", "ff0100000000000000", new Vi64Value(1UL << 56)));
        v.Add(new("vi64/0-three-bytes", "vi64", "c00000", new Vi64Value(0), DecodeOnly: true));
    }

    private static void AddControl(List<GoldenVector> v)
    {
        // SETUP from a native-QUIC client. Type 0x2F00 as vi64: 12032 < 16384, so two bytes 10|101111 00000000 = af00.
        // Options (type delta, [length], value): PATH 0x01 "/live"; AUTHORITY 0x05 (delta 4) "relay.example";
        // MOQT_IMPLEMENTATION 0x07 (delta 2) "MoqLive"; MAX_REQUEST_UPDATES 0x08 (delta 1, even → vi64) 4.
        // Body = 7 + 15 + 9 + 2 = 33 = 0x0021.
        v.Add(Control("control/setup-client",
            "af00 0021 01 05 " + A("/live") + " 04 0d " + A("relay.example") + " 02 07 " + A("MoqLive") + " 01 04",
            new Setup { Path = "/live", Authority = "relay.example", MoqtImplementation = "MoqLive", MaxRequestUpdates = 4 }));

        // SETUP from a server: AUTHORIZATION_TOKEN 0x03 = Token{REGISTER 01, alias 01, type 00, "tok"} (6 bytes);
        // MAX_AUTH_TOKEN_CACHE_SIZE 0x04 (delta 1) = 1024 → 2-byte vi64 0x8400; MAX_FILTER_RANGES 0x06 (delta 2) = 8;
        // an unknown GREASE option 0x9D (delta 0x97 → 8097, odd → length 01, byte ab) that must be preserved.
        v.Add(Control("control/setup-server-grease",
            "af00 0011 03 06 010100" + A("tok") + " 01 8400 02 08 8097 01 ab",
            new Setup
            {
                AuthorizationTokens = [AuthorizationToken.Register(1, 0, Utf8("tok"))],
                MaxAuthTokenCacheSize = 1024,
                MaxFilterRanges = 8,
                UnknownOptions = [MoqtKeyValuePair.FromBytes(0x9D, new byte[] { 0xab })],
            }));

        // GOAWAY 0x10: URI length 9 "moqt://r2", Timeout 5000 = 0x1388 → 2-byte vi64 0x9388. Body 12.
        v.Add(Control("control/goaway", "10 000c 09 " + A("moqt://r2") + " 9388", new GoAway("moqt://r2", 5000)));
        v.Add(Control("control/goaway-client", "10 0002 00 00", new GoAway("", 0)));

        // SUBSCRIBE 0x3: Request ID 0; namespace 2 fields ("moq", "demo"); name "video"; 5 parameters in ascending
        // order: SUBGROUP_DELIVERY_TIMEOUT 0x06 = 200 (80c8); FORWARD 0x10 (delta 0a) = 1; SUBSCRIBER_PRIORITY 0x20
        // (delta 10) = 0x20; LOCATION_FILTER 0x21 (delta 01) length 4 {AbsoluteRange 04, start {0a, 00}, end delta 05};
        // GROUP_ORDER 0x22 (delta 01) = Descending 02. Body 1 + 10 + 6 + 16 = 33.
        v.Add(Control("control/subscribe-absolute-range",
            "03 0021 00 02 03" + A("moq") + "04" + A("demo") + " 05" + A("video") +
            " 05 06 80c8 0a 01 10 20 01 04 040a0005 01 02",
            new Subscribe(0, MoqDemo, Utf8("video"))
            {
                Parameters = new MessageParameters
                {
                    SubgroupDeliveryTimeout = 200,
                    Forward = true,
                    SubscriberPriority = 0x20,
                    LocationFilter = LocationFilter.AbsoluteRange(new Location(10, 0), 5),
                    GroupOrder = GroupOrder.Descending,
                },
            }));
        v.Add(Control("control/subscribe-next-group-start", "03 000a 02 0101" + A("a") + " 01" + A("t") + " 01 21 01 01",
            new Subscribe(2, A1, Utf8("t")) { Parameters = new MessageParameters { LocationFilter = LocationFilter.NextGroupStart } }));
        v.Add(Control("control/subscribe-largest-object", "03 000a 02 0101" + A("a") + " 01" + A("t") + " 01 21 01 02",
            new Subscribe(2, A1, Utf8("t")) { Parameters = new MessageParameters { LocationFilter = LocationFilter.LargestObject } }));
        v.Add(Control("control/subscribe-absolute-start", "03 000c 02 0101" + A("a") + " 01" + A("t") + " 01 21 03 030703",
            new Subscribe(2, A1, Utf8("t")) { Parameters = new MessageParameters { LocationFilter = LocationFilter.AbsoluteStart(new Location(7, 3)) } }));
        v.Add(Control("control/subscribe-no-parameters", "03 0007 04 0101" + A("a") + " 01" + A("t") + " 00",
            new Subscribe(4, A1, Utf8("t"))));

        // SUBSCRIBE with an AUTHORIZATION_TOKEN 0x03 {REGISTER 01, alias 01, type 0x9D → 809d, "k"} (5 bytes), a
        // SUBGROUP_FILTER 0x25 (delta 0x22) of ranges 3-5 and 10-15 (the draft's example: deltas 3,2,5,5) in SetID 0,
        // and an OBJECT_PROPERTY_FILTER 0x28 (delta 3) in SetID 1 on property 0x3C with the open range [0, ∞).
        v.Add(Control("control/subscribe-range-filters",
            "03 001a 16 0101" + A("a") + " 01" + A("t") + " 03 03 05 0101809d" + A("k") + " 22 05 00 03020505 03 03 01 3c 00",
            new Subscribe(22, A1, Utf8("t"))
            {
                Parameters = new MessageParameters
                {
                    AuthorizationTokens = [AuthorizationToken.Register(1, 0x9D, Utf8("k"))],
                    RangeFilters =
                    [
                        RangeFilter.Create(MessageParameterType.SubgroupFilter, 0, null, [new FilterRange(3, 5), new FilterRange(10, 15)]),
                        RangeFilter.Create(MessageParameterType.ObjectPropertyFilter, 1, 0x3C, [new FilterRange(0, null)]),
                    ],
                },
            }));

        // SUBSCRIBE_OK 0x4: Track Alias 7; EXPIRES 0x08 = 30000 (3-byte vi64 c07530); LARGEST_OBJECT 0x09 (delta 1)
        // {12, 4}; Track Properties DEFAULT_PUBLISHER_PRIORITY 0x0E = 64, DEFAULT_PUBLISHER_GROUP_ORDER 0x22
        // (delta 0x14) = 1. Body 13.
        v.Add(Control("control/subscribe-ok", "04 000d 07 02 08 c07530 01 0c04 0e 40 14 01",
            new SubscribeOk(7)
            {
                Parameters = new MessageParameters { Expires = 30_000, LargestObject = new Location(12, 4) },
                TrackProperties = [MoqtKeyValuePair.FromInt(0x0E, 64), MoqtKeyValuePair.FromInt(0x22, 1)],
            }));

        // PUBLISH 0x1D: Request ID 1, ("moq"), "audio", Track Alias 3, LARGEST_OBJECT {2, 10}, FORWARD (delta 7) 0,
        // Track Properties DYNAMIC_GROUPS 0x30 = 1. Body 21.
        v.Add(Control("control/publish", "1d 0015 01 0103" + A("moq") + " 05" + A("audio") + " 03 02 09 020a 07 00 30 01",
            new Publish(1, Moq, Utf8("audio"), 3)
            {
                Parameters = new MessageParameters { LargestObject = new Location(2, 10), Forward = false },
                TrackProperties = [MoqtKeyValuePair.FromInt(0x30, 1)],
            }));

        // PUBLISH_DONE 0xB: TRACK_ENDED 2, Stream Count 3, reason "bye".
        v.Add(Control("control/publish-done", "0b 0006 02 03 03" + A("bye"), new PublishDone(PublishDoneStatusCode.TrackEnded, 3, "bye")));

        // FETCH 0x16, Standalone (01): Request ID 4, ("moq"), "v", start {1,0}, end {3,0}; FILL_TIMEOUT 0x0A = 100,
        // SUBSCRIBER_PRIORITY 0x20 (delta 0x16) = 10, GROUP_ORDER 0x22 (delta 2) = Ascending. Body 20.
        v.Add(Control("control/fetch-standalone", "16 0014 04 01 0103" + A("moq") + " 01" + A("v") + " 0100 0300 03 0a 64 16 0a 02 01",
            Fetch.Standalone(4, Moq, Utf8("v"), new Location(1, 0), new Location(3, 0)) with
            {
                Parameters = new MessageParameters { FillTimeout = 100, SubscriberPriority = 10, GroupOrder = GroupOrder.Ascending },
            }));
        v.Add(Control("control/fetch-relative-joining", "16 0005 06 02 02 03 00", Fetch.RelativeJoining(6, 2, 3)));
        v.Add(Control("control/fetch-absolute-joining", "16 0005 08 03 02 64 00", Fetch.AbsoluteJoining(8, 2, 100)));

        // FETCH_OK 0x18: End Of Track 01, End Location {3, 0}, no parameters, MAX_CACHE_DURATION 0x04 = 60000 (c0ea60).
        v.Add(Control("control/fetch-ok", "18 0008 01 0300 00 04 c0ea60",
            new FetchOk(true, new Location(3, 0)) { TrackProperties = [MoqtKeyValuePair.FromInt(0x04, 60_000)] }));

        // TRACK_STATUS 0xD: Request ID 10, ("moq"), "v", AUTHORIZATION_TOKEN {USE_ALIAS 02, alias 05}.
        v.Add(Control("control/track-status", "0d 000d 0a 0103" + A("moq") + " 01" + A("v") + " 01 03 02 0205",
            new TrackStatus(10, Moq, Utf8("v")) { Parameters = new MessageParameters { AuthorizationTokens = [AuthorizationToken.UseAlias(5)] } }));

        // PUBLISH_NAMESPACE 0x6: Request ID 12, ("moq","demo"), AUTHORIZATION_TOKEN {USE_VALUE 03, type 01, "jwt"}.
        v.Add(Control("control/publish-namespace", "06 0013 0c 0203" + A("moq") + "04" + A("demo") + " 01 03 05 0301" + A("jwt"),
            new PublishNamespace(12, MoqDemo) { Parameters = new MessageParameters { AuthorizationTokens = [AuthorizationToken.UseValue(1, Utf8("jwt"))] } }));

        // SUBSCRIBE_NAMESPACE 0x50 (a 1-byte vi64): Request ID 14, prefix ("moq"), no parameters.
        v.Add(Control("control/subscribe-namespace", "50 0007 0e 0103" + A("moq") + " 00", new SubscribeNamespace(14, Moq)));

        // SUBSCRIBE_TRACKS 0x51: Request ID 16, empty prefix, FORWARD 0, GROUP_ORDER (delta 0x12) Descending.
        v.Add(Control("control/subscribe-tracks", "51 0007 10 00 02 10 00 12 02",
            new SubscribeTracks(16, TrackNamespace.Empty) { Parameters = new MessageParameters { Forward = false, GroupOrder = GroupOrder.Descending } }));

        v.Add(Control("control/namespace", "08 0006 01 04" + A("demo"), new Namespace(TrackNamespace.FromStrings("demo"))));
        v.Add(Control("control/namespace-done", "0e 0006 01 04" + A("demo"), new NamespaceDone(TrackNamespace.FromStrings("demo"))));
        v.Add(Control("control/publish-skipped", "0f 000b 01 04" + A("demo") + " 04" + A("chat"),
            new PublishSkipped(TrackNamespace.FromStrings("demo"), Utf8("chat"))));

        // REQUEST_UPDATE 0x2: Request ID 18, FORWARD 0x10 = 1, SUBSCRIBER_PRIORITY (delta 0x10) = 200 (a uint8, c8),
        // NEW_GROUP_REQUEST 0x32 (delta 0x12) = 0.
        v.Add(Control("control/request-update", "02 0008 12 03 10 01 10 c8 12 00",
            new RequestUpdate(18) { Parameters = new MessageParameters { Forward = true, SubscriberPriority = 200, NewGroupRequest = 0 } }));
        v.Add(Control("control/request-update-namespace-prefix", "02 0006 14 01 34 0101" + A("x"),
            new RequestUpdate(20) { Parameters = new MessageParameters { TrackNamespacePrefix = TrackNamespace.FromStrings("x") } }));

        v.Add(Control("control/request-ok", "07 0001 00", new RequestOk()));
        // TRACK_STATUS_OK form: LARGEST_OBJECT {5, 1}; DEFAULT_PUBLISHER_PRIORITY 0x0E = 200 (2-byte vi64 80c8).
        v.Add(Control("control/request-ok-track-status", "07 0007 01 09 0501 0e 80c8",
            new RequestOk { Parameters = new MessageParameters { LargestObject = new Location(5, 1) }, TrackProperties = [MoqtKeyValuePair.FromInt(0x0E, 200)] }));

        // REQUEST_ERROR 0x5: DOES_NOT_EXIST 0x10, Retry Interval 0, reason (13 bytes).
        v.Add(Control("control/request-error", "05 0010 10 00 0d" + A("no such track"),
            new RequestError(RequestErrorCode.DoesNotExist, 0, "no such track")));
        // REDIRECT 0x34, Retry Interval 1001 (83e9), reason "moved", Redirect {URI "moqt://r2", empty namespace, empty name}.
        v.Add(Control("control/request-error-redirect", "05 0015 34 83e9 05" + A("moved") + " 09" + A("moqt://r2") + " 00 00",
            new RequestError(RequestErrorCode.Redirect, 1001, "moved") { Redirect = new Redirect("moqt://r2", TrackNamespace.Empty, ReadOnlyMemory<byte>.Empty) }));
    }

    private static GoldenVector Control(string name, string hex, MoqtControlMessage message) =>
        new(name, "control", Normalize(hex), message);

    private static void AddSubgroupStreams(List<GoldenVector> v)
    {
        // draft-19 §"Examples", first stream: type 0x14 = 0b0001_0100 (SUBGROUP_ID_MODE 0b10 → Subgroup ID present,
        // priority present), Track Alias 2, Group 0, Subgroup 0, Priority 0; objects {delta 0, length 4, "abcd"},
        // {delta 0 → Object ID 1, length 4, "efgh"}.
        v.Add(new("subgroup/spec-example-0x14", "subgroup_stream", Normalize("14 02 00 00 00 00 04" + A("abcd") + " 00 04" + A("efgh")),
            new SubgroupStream(
                new SubgroupHeader { TrackAlias = 2, GroupId = 0, SubgroupIdMode = SubgroupIdMode.Explicit, SubgroupId = 0, PublisherPriority = 0 },
                [new(SubgroupObjectHeader.ForPayload(0, 4), Utf8("abcd")), new(SubgroupObjectHeader.ForPayload(1, 4), Utf8("efgh"))])));

        // After the draft's second example (type 0x35: PROPERTIES, explicit Subgroup ID, DEFAULT_PRIORITY), recomputed
        // for vi64 (the draft's byte counts predate it): property 4 = 2186796243 → 5-byte vi64 f08257dcd3; property 77
        // (delta 73 = 0x49, odd) with 14 bytes "traceID:123456"; Properties Length 1+5+1+1+14 = 22 = 0x16.
        v.Add(new("subgroup/properties-0x35", "subgroup_stream",
            Normalize("35 02 00 00 00 16 04 f08257dcd3 49 0e" + A("traceID:123456") + " 04" + A("abcd") + " 00 00 04" + A("efgh")),
            new SubgroupStream(
                new SubgroupHeader { TrackAlias = 2, GroupId = 0, SubgroupIdMode = SubgroupIdMode.Explicit, SubgroupId = 0, HasProperties = true },
                [
                    new(SubgroupObjectHeader.ForPayload(0, 4, [MoqtKeyValuePair.FromInt(4, 2_186_796_243), MoqtKeyValuePair.FromBytes(77, Utf8("traceID:123456"))]), Utf8("abcd")),
                    new(SubgroupObjectHeader.ForPayload(1, 4), Utf8("efgh")),
                ])));

        // Type 0x10 (Subgroup ID 0, priority present): alias 1, group 5, priority 0x80; object 0 "x"; object 3
        // (delta 2) with length 0 and status End of Group (03).
        v.Add(new("subgroup/end-of-group-status-0x10", "subgroup_stream", Normalize("10 01 05 80 00 01" + A("x") + " 02 00 03"),
            new SubgroupStream(
                new SubgroupHeader { TrackAlias = 1, GroupId = 5, SubgroupIdMode = SubgroupIdMode.Zero, PublisherPriority = 0x80 },
                [new(SubgroupObjectHeader.ForPayload(0, 1), Utf8("x")), new(SubgroupObjectHeader.ForStatus(3, ObjectStatus.EndOfGroup), ReadOnlyMemory<byte>.Empty)])));

        // Type 0x7A = FIRST_OBJECT 0x40 | DEFAULT_PRIORITY 0x20 | 0x10 | END_OF_GROUP 0x08 | SUBGROUP_ID_MODE 0b01
        // (Subgroup ID = first Object ID): alias 9, group 1000 (83e8); objects 5 "a" and 6 "b".
        v.Add(new("subgroup/first-object-id-mode-0x7a", "subgroup_stream", Normalize("7a 09 83e8 05 01" + A("a") + " 00 01" + A("b")),
            new SubgroupStream(
                new SubgroupHeader { TrackAlias = 9, GroupId = 1000, SubgroupIdMode = SubgroupIdMode.FirstObjectId, EndOfGroup = true, FirstObject = true },
                [new(SubgroupObjectHeader.ForPayload(5, 1), Utf8("a")), new(SubgroupObjectHeader.ForPayload(6, 1), Utf8("b"))])));

        // A zero-length Normal object carries its status explicitly (00); End of Track (04) after it.
        v.Add(new("subgroup/empty-object-and-end-of-track-0x30", "subgroup_stream", Normalize("30 03 07 000000 000004"),
            new SubgroupStream(
                new SubgroupHeader { TrackAlias = 3, GroupId = 7, SubgroupIdMode = SubgroupIdMode.Zero },
                [new(SubgroupObjectHeader.ForPayload(0, 0), ReadOnlyMemory<byte>.Empty), new(SubgroupObjectHeader.ForStatus(1, ObjectStatus.EndOfTrack), ReadOnlyMemory<byte>.Empty)])));

        // Every valid SUBGROUP_HEADER type with one object, built field by field.
        foreach (byte type in ManualEncoding.ValidSubgroupTypes)
        {
            (string hex, SubgroupStream stream) = ManualEncoding.SubgroupSweep(type);
            v.Add(new($"subgroup/type-0x{type:x2}", "subgroup_stream", hex, stream));
        }
    }

    private static void AddFetchStreams(List<GoldenVector> v)
    {
        // FETCH_HEADER 05, Request ID 4, ascending. Entries:
        //  {1,0} subgroup 0 prio 128 "a": flags 0x1C (Group 0x08 | Object 0x04 | Priority 0x10, subgroup mode 00) → 1c 01 00 80 01 61
        //  {1,1} same subgroup and priority: flags 00 (object = prior + 1) → 00 01 62
        //  {1,2} subgroup 1 (prior + 1, mode 0b10) with properties {0x3C: 1}: flags 0x22 → 22 02 3c01 01 63
        //  End of Unknown Range at {1, 9}: flags 0x10C (2-byte vi64 810c), Group 1, Object 9, length 0 → 810c 01 09 00
        //  {3,0} Datagram (0x40) prio 64 "d": Group ID Delta 3-1-1 = 1, Object ID 0 (absolute after a group change): flags 0x5C → 5c 01 00 40 01 64
        //  {3,1} subgroup 7 (prior was a datagram → explicit, mode 0b11) "e": flags 0x03 → 03 07 01 65
        //  End of Non-Existent Range at {4, 0}: flags 0x8C (808c) → 808c 04 00 00
        v.Add(new("fetch/ascending-mixed", "fetch_stream",
            Normalize("05 04 1c 01 00 80 01" + A("a") + " 00 01" + A("b") + " 22 02 3c01 01" + A("c") + " 810c 01 09 00 5c 01 00 40 01" + A("d") + " 03 07 01" + A("e") + " 808c 04 00 00"),
            new FetchStream(new FetchHeader(4), GroupOrder.Ascending,
            [
                new(FetchObjectHeader.ForObject(new Location(1, 0), 0, 128, 1), Utf8("a")),
                new(FetchObjectHeader.ForObject(new Location(1, 1), 0, 128, 1), Utf8("b")),
                new(FetchObjectHeader.ForObject(new Location(1, 2), 1, 128, 1, [MoqtKeyValuePair.FromInt(0x3C, 1)]), Utf8("c")),
                new(FetchObjectHeader.EndOfRange(new Location(1, 9), unknown: true), ReadOnlyMemory<byte>.Empty),
                new(FetchObjectHeader.ForObject(new Location(3, 0), null, 64, 1), Utf8("d")),
                new(FetchObjectHeader.ForObject(new Location(3, 1), 7, 64, 1), Utf8("e")),
                new(FetchObjectHeader.EndOfRange(new Location(4, 0), unknown: false), ReadOnlyMemory<byte>.Empty),
            ])));

        // Descending: {5,0} then {3,2}: Group ID Delta 5-3-1 = 1 and an absolute Object ID → flags 0x0C.
        v.Add(new("fetch/descending", "fetch_stream",
            Normalize("05 06 1c 05 00 01 01" + A("x") + " 0c 01 02 01" + A("y")),
            new FetchStream(new FetchHeader(6), GroupOrder.Descending,
            [
                new(FetchObjectHeader.ForObject(new Location(5, 0), 0, 1, 1), Utf8("x")),
                new(FetchObjectHeader.ForObject(new Location(3, 2), 0, 1, 1), Utf8("y")),
            ])));

        v.Add(new("fetch/empty", "fetch_stream", "0508", new FetchStream(new FetchHeader(8), GroupOrder.Ascending, [])));
    }

    private static void AddDatagrams(List<GoldenVector> v)
    {
        // Type 0x00: alias 1, group 2, Object ID 3, priority 0x80, payload "hi" (the rest of the datagram).
        v.Add(new("datagram/payload-0x00", "datagram", Normalize("00 01 02 03 80" + A("hi")),
            new ObjectDatagram { TrackAlias = 1, GroupId = 2, ObjectId = 3, PublisherPriority = 0x80, Payload = Utf8("hi") }));
        // Type 0x0F: PROPERTIES | END_OF_GROUP | ZERO_OBJECT_ID | DEFAULT_PRIORITY; properties {0x3E: 2} (length 2).
        v.Add(new("datagram/all-flags-0x0f", "datagram", Normalize("0f 01 02 02 3e02" + A("z")),
            new ObjectDatagram { TrackAlias = 1, GroupId = 2, Properties = [MoqtKeyValuePair.FromInt(0x3E, 2)], EndOfGroup = true, Payload = Utf8("z") }));
        // Type 0x20: STATUS, Object ID 3, priority 0x80, End of Track (04).
        v.Add(new("datagram/status-0x20", "datagram", "2001020380" + "04",
            new ObjectDatagram { TrackAlias = 1, GroupId = 2, ObjectId = 3, PublisherPriority = 0x80, Status = ObjectStatus.EndOfTrack }));
        // Type 0x2D: STATUS | DEFAULT_PRIORITY | ZERO_OBJECT_ID | PROPERTIES, properties {0x02: 100}, status Normal.
        v.Add(new("datagram/status-properties-0x2d", "datagram", Normalize("2d 04 07 02 0264 00"),
            new ObjectDatagram { TrackAlias = 4, GroupId = 7, Properties = [MoqtKeyValuePair.FromInt(0x02, 100)], Status = ObjectStatus.Normal }));

        foreach (byte type in ManualEncoding.ValidDatagramTypes)
        {
            (string hex, ObjectDatagram datagram) = ManualEncoding.DatagramSweep(type);
            v.Add(new($"datagram/type-0x{type:x2}", "datagram", hex, datagram));
        }
    }
}
