using Microsoft.Extensions.Logging;

namespace ServerlessDocker.Gateway.Configuration;

/// <summary>
/// functions.yaml, reloaded when its content changes. A bad file is rejected with an error naming the line and
/// the running config stays in force.
/// </summary>
/// <remarks>
/// Polls the content instead of using FileSystemWatcher: editors save by rename or truncate-and-write, which inotify
/// reports as several events (sometimes none for the new inode); comparing content each second is simple and exact.
/// A poll applies a change only once two polls in a row read the same text, so a file caught mid-save (truncated,
/// half written) is never parsed and never reported as an error.
/// </remarks>
internal sealed class FileGatewayConfigSource : IGatewayConfigSource, IAsyncDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _lastText;
    private string? _settlingText;

    private FileGatewayConfigSource(string path, string text, GatewayConfig config, TimeProvider time, TimeSpan interval, ILogger logger)
    {
        _path = path;
        _lastText = text;
        Current = config;
        _logger = logger;
        _timer = time.CreateTimer(_ => _ = PollSafelyAsync(), null, interval, interval);
    }

    /// <inheritdoc />
    public GatewayConfig Current { get; private set; }

    /// <inheritdoc />
    public string? LastError { get; private set; }

    /// <summary>Raised after a new config was accepted.</summary>
    public event Action<GatewayConfig>? Reloaded;

    /// <summary>Loads the file (it must be valid) and starts watching it.</summary>
    /// <param name="path">Path of functions.yaml.</param>
    /// <param name="time">Clock for the poll timer.</param>
    /// <param name="pollInterval">How often the file is compared.</param>
    /// <param name="logger">Where reloads and rejections are logged.</param>
    /// <param name="cancellationToken">Cancels the first read.</param>
    /// <exception cref="GatewayConfigException">The file is not valid.</exception>
    public static async Task<FileGatewayConfigSource> StartAsync(string path, TimeProvider time, TimeSpan pollInterval, ILogger logger, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var text = await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false);
        var config = GatewayConfigLoader.ParseFile(text, full);
        return new FileGatewayConfigSource(full, text, config, time, pollInterval, logger);
    }

    /// <summary>Reads the file now and applies it if it changed and is valid.</summary>
    /// <returns>True when a new config was applied.</returns>
    public Task<bool> ReloadNowAsync(CancellationToken cancellationToken = default) => ReadAndApplyAsync(settle: false, cancellationToken);

    /// <summary>One poll: applies a changed file once it has read the same on two polls in a row.</summary>
    /// <returns>True when a new config was applied.</returns>
    internal Task<bool> PollAsync(CancellationToken cancellationToken = default) => ReadAndApplyAsync(settle: true, cancellationToken);

    private async Task<bool> ReadAndApplyAsync(bool settle, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Mid-save or deleted: keep serving what we have and try again on the next tick.
                LastError = $"{Path.GetFileName(_path)}: cannot read: {ex.Message}";
                return false;
            }

            if (text == _lastText)
            {
                _settlingText = null;
                return false;
            }

            if (settle && text != _settlingText)
            {
                _settlingText = text;
                return false;
            }

            _settlingText = null;
            _lastText = text;
            try
            {
                Current = GatewayConfigLoader.ParseFile(text, _path);
                LastError = null;
                _logger.LogInformation("Reloaded {Path}: {Count} function(s)", _path, Current.Functions.Count);
                Reloaded?.Invoke(Current);
                return true;
            }
            catch (GatewayConfigException ex)
            {
                LastError = ex.Message;
                _logger.LogError("Rejected {Path}, keeping the running config: {Error}", _path, ex.Message);
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task PollSafelyAsync()
    {
        try
        {
            await PollAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Config poll failed");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
