namespace MoqLive.Moqt.Wire;

/// <summary>An inclusive range of a Range Filter; <see cref="End"/> null means "no end" (only the last range).</summary>
public readonly record struct FilterRange(ulong Start, ulong? End);
