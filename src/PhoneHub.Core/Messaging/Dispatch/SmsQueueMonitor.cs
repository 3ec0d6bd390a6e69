using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Stores;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// Samples the send queue (how many messages are due, since when the oldest waits) for the
/// <see cref="PhoneHubTelemetry.QueueDepth"/> and <see cref="PhoneHubTelemetry.QueueAge"/> gauges. Gauge callbacks are
/// synchronous, so they report the last sample instead of asking the store; the background dispatcher samples as it
/// loops, and a collection that finds the sample stale starts one in the background (a host whose dispatcher is off).
/// </summary>
internal sealed class SmsQueueMonitor
{
    private readonly ISmsStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<SmsQueueMonitor> _logger;
    private volatile Sample? _last;
    private int _refreshing;

    public SmsQueueMonitor(ISmsStore store, TimeProvider time, PhoneHubMetrics metrics, IOptions<SmsDispatchOptions> options, ILogger<SmsQueueMonitor> logger)
    {
        _store = store;
        _time = time;
        _interval = options.Value.QueueSampleInterval;
        _logger = logger;
        metrics.Meter.CreateObservableGauge(PhoneHubTelemetry.QueueDepth, ObserveDepth, "{message}", "Messages due to be sent and waiting.");
        metrics.Meter.CreateObservableGauge(PhoneHubTelemetry.QueueAge, ObserveAge, "s", "How long the oldest due message has waited.");
    }

    /// <summary>The last sample: the queue and when it was read; <see langword="null"/> before the first.</summary>
    public (SmsQueueStatus Status, DateTimeOffset At)? Last => _last is { } last ? (last.Status, last.At) : null;

    /// <summary>Reads the queue now and keeps the answer for the gauges.</summary>
    public async Task<SmsQueueStatus> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var status = await _store.GetQueueStatusAsync(now, cancellationToken).ConfigureAwait(false);
        _last = new Sample(status, now);
        return status;
    }

    /// <summary>Reads the queue when the last sample is older than the sample interval.</summary>
    public Task RefreshIfStaleAsync(CancellationToken cancellationToken) =>
        IsStale ? RefreshAsync(cancellationToken) : Task.CompletedTask;

    private bool IsStale => _last is not { } last || _time.GetUtcNow() - last.At >= _interval;

    private Measurement<long>[] ObserveDepth()
    {
        RefreshInBackgroundIfStale();
        return _last is { Status.DueCount: { } count } ? [new Measurement<long>(count)] : [];
    }

    private Measurement<double>[] ObserveAge()
    {
        RefreshInBackgroundIfStale();
        return _last is { } last ? [new Measurement<double>(last.Status.OldestAge(last.At).TotalSeconds)] : [];
    }

    private void RefreshInBackgroundIfStale()
    {
        if (!IsStale || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A metrics collection must never fail the host: the gauges keep the last sample.
                Log.QueueSampleFailed(_logger, ex);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    private sealed record Sample(SmsQueueStatus Status, DateTimeOffset At);
}
