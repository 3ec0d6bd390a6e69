using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Guards;
using PhoneHub.Stores;

namespace PhoneHub.Reports;

/// <summary>
/// Adds this process's lookup counts to the store every <see cref="SendGuardOptions.LookupUsageFlushInterval"/>, before
/// a lookup report is read, and when the container is disposed. Counts that cannot be stored are kept for the next time.
/// </summary>
internal sealed class LookupUsageFlusher : IAsyncDisposable, IDisposable
{
    private readonly PhoneHubMetrics _metrics;
    private readonly ISmsUsageStore _store;
    private readonly ILogger<LookupUsageFlusher> _logger;
    private readonly SemaphoreSlim _flush = new(1, 1);
    private readonly ITimer _timer;

    public LookupUsageFlusher(PhoneHubMetrics metrics, ISmsUsageStore store, IOptions<SendGuardOptions> options, TimeProvider time, ILogger<LookupUsageFlusher> logger)
    {
        _metrics = metrics;
        _store = store;
        _logger = logger;
        var interval = options.Value.LookupUsageFlushInterval;
        _timer = time.CreateTimer(static state => _ = ((LookupUsageFlusher)state!).FlushQuietlyAsync(), this, interval, interval);
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flush.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var taken = _metrics.LookupUsage.Take();
            try
            {
                await _store.AddLookupUsageAsync(taken, CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                _metrics.LookupUsage.Return(taken);
                throw;
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await FlushQuietlyAsync().ConfigureAwait(false);
        _flush.Dispose();
    }

    // A container disposed synchronously (many hosts and tests do) must not throw for this service; the last counts are
    // still written, blocking, since the store it depends on is disposed after it.
    public void Dispose()
    {
        _timer.Dispose();
        FlushQuietlyAsync().GetAwaiter().GetResult();
        _flush.Dispose();
    }

    private async Task FlushQuietlyAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.LookupUsageFlushFailed(_logger, ex);
        }
    }
}
