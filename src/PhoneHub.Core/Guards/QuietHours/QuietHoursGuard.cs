using System.Globalization;

namespace PhoneHub.Guards.QuietHours;

/// <summary>
/// Defers a message whose time to go falls outside the config's window in the recipient's time zone(s), to the next
/// moment the window holds in all of them. Runs before the message is stored (against its send time) and again before
/// the provider call (a message may have waited, for a throttle or a spend limit). A request marked
/// <see cref="Messaging.SendSmsRequest.QuietHoursExempt"/>, and a reply to an inbound message, is not deferred. A number
/// libphonenumber knows no zone for is not deferred either.
/// </summary>
internal sealed class QuietHoursGuard(RecipientTimeZones timeZones) : ISendGuard
{
    public GuardStages Stages => GuardStages.Enqueue | GuardStages.Dispatch;

    public ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken)
    {
        var window = context.Settings.QuietHours;
        if (!window.Enabled || context.Message.QuietHoursExempt)
        {
            return ValueTask.FromResult(GuardDecision.Allow);
        }

        var zones = timeZones.For(context.Message.To);
        var at = context.DueAt > context.Now ? context.DueAt : context.Now;
        var next = QuietHoursWindow.NextAllowed(at, zones, window.Start, window.End);
        if (next <= at)
        {
            return ValueTask.FromResult(GuardDecision.Allow);
        }

        var local = TimeZoneInfo.ConvertTime(next, zones[0]);
        return ValueTask.FromResult(GuardDecision.Defer(GuardReasons.QuietHours, string.Create(CultureInfo.InvariantCulture,
            $"Deferred to {next:yyyy-MM-dd HH:mm} UTC ({local:HH:mm} {zones[0].Id}): outside the recipient's allowed hours {window.Start:HH:mm}-{window.End:HH:mm} in {Describe(zones)}."), next));
    }

    private static string Describe(IReadOnlyList<TimeZoneInfo> zones) => zones.Count <= 4
        ? string.Join(", ", zones.Select(z => z.Id))
        : string.Join(", ", zones.Take(3).Select(z => z.Id)) + string.Create(CultureInfo.InvariantCulture, $" and {zones.Count - 3} other zones");
}
