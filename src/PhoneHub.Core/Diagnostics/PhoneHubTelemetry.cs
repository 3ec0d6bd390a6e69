using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PhoneHub.Diagnostics;

/// <summary>
/// Names of PhoneHub's meter, activity source, spans, instruments and tags, for hosts that collect them (for example
/// <c>tracing.AddSource(PhoneHubTelemetry.ActivitySourceName)</c> and <c>metrics.AddMeter(PhoneHubTelemetry.MeterName)</c>
/// with OpenTelemetry).
/// </summary>
public static class PhoneHubTelemetry
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "PhoneHub";

    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "PhoneHub";

    /// <summary>Span of one lookup as the caller sees it; tag <see cref="LookupTierTag"/> says which tier answered.</summary>
    public const string LookupActivity = "phonehub.lookup";

    /// <summary>Span of a lookup call to a provider (a paid answer); tag <c>phonehub.provider</c>.</summary>
    public const string ProviderLookupActivity = "phonehub.provider.lookup";

    /// <summary>Span of a send call to a provider; tags <c>phonehub.provider</c>, <c>phonehub.message_id</c>, <c>phonehub.attempt</c>.</summary>
    public const string ProviderSendActivity = "phonehub.provider.send";

    /// <summary>Span of a connection test against a provider; tag <c>phonehub.provider</c>.</summary>
    public const string ProviderConnectionTestActivity = "phonehub.provider.connection_test";

    /// <summary>
    /// Span of one message's dispatch, from its claim to its stored outcome (pacing, provider calls, failover);
    /// tags <c>phonehub.message_id</c>, <c>phonehub.dispatch.mode</c> (<c>inline</c> or <c>background</c>), <c>phonehub.status</c>.
    /// </summary>
    public const string DispatchActivity = "phonehub.sms.dispatch";

    /// <summary>
    /// Span of one provider webhook request; tags <c>phonehub.provider</c>, <see cref="WebhookKindTag"/> and
    /// <see cref="WebhookOutcomeTag"/>.
    /// </summary>
    public const string WebhookActivity = "phonehub.webhook";

    /// <summary>
    /// Which tier answered a lookup: <c>memory</c>, <c>store</c>, <c>provider</c>, <c>metadata</c> (no paid lookup
    /// allowed), <c>test</c>, <c>stale</c> (the provider failed and an older answer of the same provider was served), or
    /// <c>shared</c> (the caller joined another caller's load of the same number).
    /// </summary>
    public const string LookupTierTag = "phonehub.lookup.tier";

    /// <summary>Which webhook: <c>inbound</c> or <c>status</c>.</summary>
    public const string WebhookKindTag = "phonehub.webhook.kind";

    /// <summary>
    /// What a webhook request came to: <c>stored</c>, <c>duplicate</c>, <c>updated</c>, <c>ignored</c>, <c>pending</c>,
    /// <c>not_found</c>, <c>refused</c>, <c>subscription_confirmed</c>, <c>unsubscribed</c>, or for requests turned away
    /// the problem code (<c>invalid_signature</c>, <c>malformed_webhook</c>, <c>temporarily_unavailable</c>, ...).
    /// </summary>
    public const string WebhookOutcomeTag = "phonehub.webhook.outcome";

    /// <summary>Counter of messages handed to a provider; tags <c>phonehub.provider</c>, <c>phonehub.status</c>.</summary>
    public const string SmsSent = "phonehub.sms.sent";

    /// <summary>Counter of messages whose send failed; tags <c>phonehub.provider</c>, <c>phonehub.error_code</c>.</summary>
    public const string SmsFailed = "phonehub.sms.failed";

    /// <summary>Counter of inbound messages stored (duplicates excluded); tag <c>phonehub.provider</c>.</summary>
    public const string SmsReceived = "phonehub.sms.received";

    /// <summary>
    /// Counter of what providers charged for messages, in the provider's currency, as the price becomes known (with the
    /// send's answer or a later status report); tags <c>phonehub.provider</c>, <c>phonehub.currency</c>.
    /// </summary>
    public const string SmsCost = "phonehub.sms.cost";

    /// <summary>Gauge of messages due to be sent now and waiting (sampled, see <c>SmsDispatchOptions.QueueSampleInterval</c>).</summary>
    public const string QueueDepth = "phonehub.sms.queue.depth";

    /// <summary>Gauge of how long the oldest due message has waited, in seconds (0 when none waits; sampled like <see cref="QueueDepth"/>).</summary>
    public const string QueueAge = "phonehub.sms.queue.age";

    /// <summary>Counter of lookups; tag <c>phonehub.lookup.source</c> (<c>memory</c>, <c>store</c>, <c>provider</c>, <c>metadata</c>, <c>test</c>).</summary>
    public const string LookupRequests = "phonehub.lookup.requests";

    /// <summary>Histogram of provider lookup durations, in seconds; tag <c>phonehub.provider</c>.</summary>
    public const string LookupDuration = "phonehub.lookup.duration";

    /// <summary>Histogram of provider send durations, in seconds; tag <c>phonehub.provider</c>.</summary>
    public const string SendDuration = "phonehub.sms.send.duration";

    /// <summary>Counter of verifications started (resends excluded); tags <c>phonehub.country</c>, <c>phonehub.prefix</c>. Conversion is <see cref="VerificationsApproved"/> / this.</summary>
    public const string VerificationsStarted = "phonehub.verify.started";

    /// <summary>Counter of verifications approved; tags <c>phonehub.country</c>, <c>phonehub.prefix</c>, counted against <see cref="VerificationsStarted"/>.</summary>
    public const string VerificationsApproved = "phonehub.verify.approved";

    /// <summary>Counter of verification checks answered; tag <c>phonehub.reason</c> (the stable reason code).</summary>
    public const string VerificationChecks = "phonehub.verify.checks";

    /// <summary>Counter of verification starts refused by a limit; tag <c>phonehub.reason</c>.</summary>
    public const string VerificationsRefused = "phonehub.verify.refused";
    /// <summary>Counter of provider webhook requests; tags <c>phonehub.provider</c>, <see cref="WebhookKindTag"/>, <see cref="WebhookOutcomeTag"/>.</summary>
    public const string WebhookRequests = "phonehub.webhook.requests";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>Marks a span as failed with a stable code (never exception text, which may quote numbers or URLs).</summary>
    internal static void Fail(Activity? activity, string code) => activity?.SetStatus(ActivityStatusCode.Error, code);
}

/// <summary>
/// The instruments, created once per container from <see cref="IMeterFactory"/>. Every PhoneHub instrument comes from
/// <see cref="Meter"/> and is named in <see cref="PhoneHubTelemetry"/>; parts of the library with instruments of their
/// own (the queue gauges) create them from this meter; the ASP.NET Core package gets the same meter from the same
/// <see cref="IMeterFactory"/> for the webhook instruments.
/// </summary>
internal sealed class PhoneHubMetrics : IDisposable
{
    public PhoneHubMetrics(IMeterFactory? meterFactory = null, TimeProvider? time = null)
    {
        var meter = meterFactory?.Create(PhoneHubTelemetry.MeterName) ?? new Meter(PhoneHubTelemetry.MeterName);
        Meter = meter;
        SmsSent = meter.CreateCounter<long>(PhoneHubTelemetry.SmsSent, "{message}", "Messages handed to a provider.");
        SmsFailed = meter.CreateCounter<long>(PhoneHubTelemetry.SmsFailed, "{message}", "Messages whose send failed.");
        SmsReceived = meter.CreateCounter<long>(PhoneHubTelemetry.SmsReceived, "{message}", "Inbound messages stored.");
        SmsCost = meter.CreateCounter<double>(PhoneHubTelemetry.SmsCost, "{currency}", "What providers charged for messages, in the currency of the phonehub.currency tag.");
        LookupRequests = meter.CreateCounter<long>(PhoneHubTelemetry.LookupRequests, "{lookup}", "Phone lookups, by where the answer came from.");
        LookupDuration = meter.CreateHistogram<double>(PhoneHubTelemetry.LookupDuration, "s", "Duration of provider lookups.");
        SendDuration = meter.CreateHistogram<double>(PhoneHubTelemetry.SendDuration, "s", "Duration of provider sends.");
        VerificationsStarted = meter.CreateCounter<long>(PhoneHubTelemetry.VerificationsStarted, "{verification}", "Verifications started, by country and prefix.");
        VerificationsApproved = meter.CreateCounter<long>(PhoneHubTelemetry.VerificationsApproved, "{verification}", "Verifications approved, by country and prefix.");
        VerificationChecks = meter.CreateCounter<long>(PhoneHubTelemetry.VerificationChecks, "{check}", "Verification checks, by reason.");
        VerificationsRefused = meter.CreateCounter<long>(PhoneHubTelemetry.VerificationsRefused, "{verification}", "Verification starts refused, by reason.");

        // The lookup report counts what this counter measures, from the moment it exists.
        LookupUsage = new Reports.LookupUsageCounter(LookupRequests, time);
    }

    /// <summary>The PhoneHub meter of this container.</summary>
    public Meter Meter { get; }

    public Counter<long> SmsSent { get; }

    public Counter<long> SmsFailed { get; }

    public Counter<long> SmsReceived { get; }

    public Counter<double> SmsCost { get; }

    public Counter<long> LookupRequests { get; }

    public Histogram<double> LookupDuration { get; }

    public Histogram<double> SendDuration { get; }

    /// <summary>This process's lookup counts per day and source, for the lookup report.</summary>
    public Reports.LookupUsageCounter LookupUsage { get; }

    public void Dispose() => LookupUsage.Dispose();

    public Counter<long> VerificationsStarted { get; }

    public Counter<long> VerificationsApproved { get; }

    public Counter<long> VerificationChecks { get; }

    public Counter<long> VerificationsRefused { get; }
    /// <summary>Counts a price once it is known; providers report charges as negative amounts (Twilio) or positive ones.</summary>
    public void RecordCost(string? provider, decimal? price, string? currency)
    {
        if (price is { } amount && amount != 0)
        {
            SmsCost.Add((double)Math.Abs(amount), new KeyValuePair<string, object?>("phonehub.provider", provider), new KeyValuePair<string, object?>("phonehub.currency", currency));
        }
    }
}
