using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneHub.Diagnostics;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// The background dispatcher of a generic host: resolves lapsed calls at start and periodically, and sends due
/// messages as they come (woken at once by messages enqueued in this process, otherwise by polling). Each turn of its
/// loop is a sign of life for the health check, and samples the queue for the queue gauges when the sample is stale.
/// </summary>
internal sealed class SmsDispatcherService(SmsDispatcher dispatcher, SmsQueueMonitor queue, ILogger<SmsDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!dispatcher.Options.Enabled)
        {
            return;
        }

        Log.DispatcherStarted(logger, dispatcher.Owner);
        dispatcher.Liveness.Started();
        try
        {
            await Task.Yield();
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            dispatcher.Liveness.Stopped();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            dispatcher.Liveness.Beat();
            try
            {
                await queue.RefreshIfStaleAsync(stoppingToken).ConfigureAwait(false);
                if (await dispatcher.DispatchDueAsync(stoppingToken).ConfigureAwait(false) == 0)
                {
                    await dispatcher.WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A store outage must not end the dispatcher: it logs, waits a poll interval and tries again.
                Log.DispatcherPassFailed(logger, ex);
                try
                {
                    await dispatcher.WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception)
                {
                    // The wait asks the store too; the next pass will log again.
                }
            }
        }
    }
}
