using System.Net.Sockets;

namespace ServerlessDocker.Internal;

/// <summary>The one rule for which transport failures only mean "the other side closed".</summary>
internal static class TransportErrors
{
    /// <summary>
    /// True for a plain <see cref="IOException"/> (not a subclass such as <see cref="FileNotFoundException"/>), a
    /// socket error or a disposed stream: the peer went away, which a finished function does.
    /// </summary>
    public static bool IsClosed(Exception ex) =>
        ex.GetType() == typeof(IOException) || ex is SocketException or ObjectDisposedException;
}
