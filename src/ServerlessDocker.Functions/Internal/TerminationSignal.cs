using System.Runtime.InteropServices;

namespace ServerlessDocker.Functions.Internal;

/// <summary>
/// SIGTERM (what `docker stop` and a gateway timeout send) and SIGINT as a cancellation token, so a handler can
/// stop cleanly within the stop grace period instead of being killed mid-write.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly PosixSignalRegistration? _term;
    private readonly PosixSignalRegistration? _interrupt;

    public TerminationSignal(CancellationToken linked)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(linked);
        if (!OperatingSystem.IsWindows())
        {
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        }
    }

    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        _term?.Dispose();
        _interrupt?.Dispose();
        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The handler decides how to stop; the process ends when it returns.
        context.Cancel = true;
        _cancellation.Cancel();
    }
}
