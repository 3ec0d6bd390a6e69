using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Stores;

namespace PhoneHub.Health;

/// <summary>The background dispatcher runs and shows progress, or is turned off on this host on purpose.</summary>
internal sealed class DispatcherHealthCheck(SmsDispatcher dispatcher, PhoneHubHealthCheckOptions options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        if (!dispatcher.Options.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The background dispatcher is turned off on this host (PhoneHub:Dispatch:Enabled); another host sends."));
        }

        var liveness = dispatcher.Liveness;
        var result = liveness.State switch
        {
            SmsDispatcherState.NotStarted => new HealthCheckResult(failure, "The background dispatcher has not started: a generic host (ASP.NET Core included) runs it once the host has started."),
            SmsDispatcherState.Stopped => new HealthCheckResult(failure, "The background dispatcher has stopped."),
            _ => Running(liveness.LastBeat ?? time.GetUtcNow(), failure),
        };
        return Task.FromResult(result);
    }

    private HealthCheckResult Running(DateTimeOffset lastBeat, HealthStatus failure)
    {
        // An idle dispatcher wakes at least once per poll interval; only silence beyond that counts against it.
        var quiet = time.GetUtcNow() - lastBeat;
        var limit = dispatcher.Options.PollInterval + options.DispatcherStallTimeout;
        var data = new Dictionary<string, object> { ["last_progress_age_seconds"] = Math.Max(0, quiet.TotalSeconds) };
        return quiet > limit
            ? new HealthCheckResult(failure, $"The background dispatcher has shown no progress for {Format(quiet)} (limit {Format(limit)}).", data: data)
            : HealthCheckResult.Healthy("The background dispatcher is running.", data);
    }

    internal static string Format(TimeSpan value) => value.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture);
}

/// <summary>The oldest due message has waited less than <see cref="PhoneHubHealthCheckOptions.MaxDueMessageAge"/>.</summary>
internal sealed class QueueHealthCheck(IPhoneHubMigrator? migrator, SmsQueueMonitor queue, PhoneHubHealthCheckOptions options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        try
        {
            if (await HealthCheck.StoreNotReadyAsync(migrator, failure, cancellationToken).ConfigureAwait(false) is { } notReady)
            {
                return notReady;
            }

            var status = await queue.RefreshAsync(cancellationToken).ConfigureAwait(false);
            var age = status.OldestAge(time.GetUtcNow());
            var data = new Dictionary<string, object> { ["oldest_due_age_seconds"] = age.TotalSeconds };
            if (status.DueCount is { } count)
            {
                data["due_messages"] = count;
            }

            return age > options.MaxDueMessageAge
                ? new HealthCheckResult(failure, $"The oldest due message has waited {DispatcherHealthCheck.Format(age)} (threshold {DispatcherHealthCheck.Format(options.MaxDueMessageAge)}).", data: data)
                : HealthCheckResult.Healthy(status.OldestDueAt is null ? "No message is waiting." : $"The oldest due message has waited {DispatcherHealthCheck.Format(age)}.", data);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheck.Unreadable(failure, "The send queue", ex);
        }
    }
}
