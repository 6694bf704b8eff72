namespace MoqLive.Testbed.Emulation;

/// <summary>Decides, packet by packet, whether the link loses a packet.</summary>
internal interface ILossModel
{
    /// <summary>Draws the fate of the next packet; true means it is lost.</summary>
    bool ShouldDrop();
}
