namespace MoqLive.Media.Mp4;

/// <summary>One movie fragment (moof + mdat): its sequence number (mfhd) and its samples, per track in decode order.</summary>
public sealed record Mp4Fragment(uint SequenceNumber, IReadOnlyList<Mp4Sample> Samples);
