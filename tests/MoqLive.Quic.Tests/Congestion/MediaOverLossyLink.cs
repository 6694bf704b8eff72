using MoqLive.Quic.Core;
using MoqLive.Quic.Streams;
using MoqLive.Quic.Tests.Core;
using MoqLive.Transport;

namespace MoqLive.Quic.Tests.Congestion;

/// <summary>
/// A live video stream as MOQT sends it (one unidirectional stream per group of pictures, one frame written every
/// 1/30 s, a large key frame at the start of each group) from the client to the server of a <see cref="QuicPair"/>,
/// recording when each frame has fully arrived. The clock advances in small steps so arrival times are resolved to
/// <see cref="Step"/>.
/// </summary>
internal sealed class MediaOverLossyLink
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(2);

    private readonly QuicPair _pair;
    private readonly int _keyframeBytes;
    private readonly int _frameBytes;
    private readonly int _groupFrames;
    private readonly byte[] _readBuffer = new byte[256 * 1024];
    private readonly List<(StreamId Id, byte[] Data, int Written)> _sending = new();
    private readonly Dictionary<StreamId, long> _received = new();
    private readonly List<StreamId> _acceptOrder = new();
    private readonly HashSet<StreamId> _finished = new();
    // Per group: the end offset of each frame on its stream and its capture time.
    private readonly List<List<(long End, Instant Captured)>> _frames = new();
    private readonly List<int> _arrivedPerGroup = new();

    public MediaOverLossyLink(QuicPair pair, int keyframeBytes, int frameBytes, int groupFrames = 30)
    {
        _pair = pair;
        _keyframeBytes = keyframeBytes;
        _frameBytes = frameBytes;
        _groupFrames = groupFrames;
    }

    /// <summary>Arrival latency of every frame that fully arrived, in capture order.</summary>
    public List<TimeSpan> Latencies { get; } = new();

    public int FramesSent { get; private set; }

    /// <summary>Streams <paramref name="duration"/> of video at 30 fps, then drives until every frame arrived (bounded).</summary>
    public void Run(TimeSpan duration)
    {
        var frameInterval = TimeSpan.FromSeconds(1.0 / 30);
        var start = _pair.Now;
        var nextFrame = start;
        StreamId current = default;
        while (_pair.Now - start < duration)
        {
            if (_pair.Now >= nextFrame)
            {
                int index = FramesSent % _groupFrames;
                if (index == 0)
                {
                    if (FramesSent > 0) _pair.Client.FinishStream(current);
                    current = _pair.Client.OpenStream(StreamDirection.Unidirectional) ?? throw new InvalidOperationException("stream limit");
                    _sending.Add((current, [], 0));
                    _frames.Add(new());
                    _arrivedPerGroup.Add(0);
                }
                int size = index == 0 ? _keyframeBytes : _frameBytes;
                var group = _frames[^1];
                long end = (group.Count == 0 ? 0 : group[^1].End) + size;
                group.Add((end, _pair.Now));
                var (id, data, written) = _sending[^1];
                _sending[^1] = (id, [.. data, .. new byte[size]], written);
                FramesSent++;
                nextFrame += frameInterval;
            }
            Pump();
            _pair.Advance(Step);
        }
        _pair.Client.FinishStream(current);
        var drainUntil = _pair.Now + TimeSpan.FromSeconds(10);
        while (Latencies.Count < FramesSent && _pair.Now < drainUntil)
        {
            Pump();
            _pair.Advance(Step);
        }
    }

    private void Pump()
    {
        for (int i = 0; i < _sending.Count; i++)
        {
            var (id, data, written) = _sending[i];
            if (written < data.Length) written += _pair.Client.WriteStream(id, data.AsSpan(written));
            _sending[i] = (id, data, written);
        }
        var server = _pair.Server;
        if (server is null) return;
        while (server.TryAcceptStream(StreamDirection.Unidirectional, out var accepted))
        {
            _received[accepted] = 0;
            _acceptOrder.Add(accepted);
        }
        for (int g = 0; g < _acceptOrder.Count; g++)
        {
            var id = _acceptOrder[g];
            if (_finished.Contains(id)) continue;
            bool fin = false;
            int n;
            while (!fin && (n = server.ReadStream(id, _readBuffer, out fin)) > 0) _received[id] += n;
            if (fin) _finished.Add(id);
            // Streams are opened in group order, so the k-th accepted stream is the k-th group.
            int groupIndex = _sending.FindIndex(s => s.Id == id);
            var group = _frames[groupIndex];
            while (_arrivedPerGroup[groupIndex] < group.Count && group[_arrivedPerGroup[groupIndex]].End <= _received[id])
            {
                Latencies.Add(_pair.Now - group[_arrivedPerGroup[groupIndex]].Captured);
                _arrivedPerGroup[groupIndex]++;
            }
        }
    }
}
