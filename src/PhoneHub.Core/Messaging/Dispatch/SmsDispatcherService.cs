using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneHub.Diagnostics;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// The background dispatcher of a generic host: resolves lapsed calls at start and periodically, and sends due
/// messages as they come (woken at once by messages enqueued in this process, otherwise by polling).
/// </summary>
internal sealed class SmsDispatcherService(SmsDispatcher dispatcher, ILogger<SmsDispatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!dispatcher.Options.Enabled)
        {
            return;
        }

        Log.DispatcherStarted(logger, dispatcher.Owner);
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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
