using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;
using MoqLive.Transport;

namespace MoqLive.Quic.Tests.Core;

/// <summary>Pumps data from the client to the server over several streams during <see cref="QuicPair.DriveUntil"/>.</summary>
internal sealed class StreamTransfer
{
    private readonly QuicPair _pair;
    private readonly List<(StreamId Id, byte[] Data, int Written, bool Finished)> _outgoing = new();
    private readonly Dictionary<StreamId, (MemoryStream Data, bool Fin)> _incoming = new();
    private readonly byte[] _readBuffer = new byte[256 * 1024];

    public StreamTransfer(QuicPair pair, int streams, int bytesPerStream, int seed = 5, StreamDirection direction = StreamDirection.Unidirectional)
    {
        _pair = pair;
        var rng = new Random(seed);
        for (int i = 0; i < streams; i++)
        {
            var data = new byte[bytesPerStream];
            rng.NextBytes(data);
            var id = pair.Client.OpenStream(direction) ?? throw new InvalidOperationException("stream limit");
            _outgoing.Add((id, data, 0, false));
        }
    }

    public IReadOnlyDictionary<StreamId, (MemoryStream Data, bool Fin)> Received => _incoming;

    public List<StreamId> CompletionOrder { get; } = new();

    public bool Done => _incoming.Count == _outgoing.Count && _incoming.Values.All(v => v.Fin);

    /// <summary>Writes what flow control allows, reads what arrived; returns <see cref="Done"/>.</summary>
    public bool Pump()
    {
        for (int i = 0; i < _outgoing.Count; i++)
        {
            var (id, data, written, finished) = _outgoing[i];
            if (finished) continue;
            if (written < data.Length) written += _pair.Client.WriteStream(id, data.AsSpan(written));
            if (written == data.Length)
            {
                _pair.Client.FinishStream(id);
                finished = true;
            }
            _outgoing[i] = (id, data, written, finished);
        }
        var server = _pair.Server;
        if (server is null) return false;
        foreach (var dir in new[] { StreamDirection.Unidirectional, StreamDirection.Bidirectional })
        {
            while (server.TryAcceptStream(dir, out var id)) _incoming[id] = (new MemoryStream(), false);
        }
        foreach (var id in _incoming.Keys.ToList())
        {
            var (ms, fin) = _incoming[id];
            while (!fin)
            {
                int n = server.ReadStream(id, _readBuffer, out fin);
                ms.Write(_readBuffer, 0, n);
                if (n == 0) break;
            }
            if (fin && !_incoming[id].Fin) CompletionOrder.Add(id);
            _incoming[id] = (ms, fin);
        }
        return Done;
    }

    public void AssertByteExact()
    {
        Assert.True(Done);
        foreach (var (id, data, _, _) in _outgoing)
        {
            var got = _incoming[id].Data.ToArray();
            Assert.Equal(data.Length, got.Length);
            Assert.True(data.AsSpan().SequenceEqual(got), $"stream {id} differs");
        }
    }
}
