using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PhoneHub.Diagnostics;

/// <summary>Names of PhoneHub's meter, activity source and instruments, for hosts that collect them.</summary>
public static class PhoneHubTelemetry
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "PhoneHub";

    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "PhoneHub";

    /// <summary>Counter of messages handed to a provider; tags <c>phonehub.provider</c>, <c>phonehub.status</c>.</summary>
    public const string SmsSent = "phonehub.sms.sent";

    /// <summary>Counter of messages whose send failed; tags <c>phonehub.provider</c>, <c>phonehub.error_code</c>.</summary>
    public const string SmsFailed = "phonehub.sms.failed";

    /// <summary>Counter of inbound messages stored (duplicates excluded); tag <c>phonehub.provider</c>.</summary>
    public const string SmsReceived = "phonehub.sms.received";

    /// <summary>Counter of lookups; tag <c>phonehub.lookup.source</c> (<c>memory</c>, <c>store</c>, <c>provider</c>, <c>metadata</c>).</summary>
    public const string LookupRequests = "phonehub.lookup.requests";

    /// <summary>Histogram of provider lookup durations, in seconds; tag <c>phonehub.provider</c>.</summary>
    public const string LookupDuration = "phonehub.lookup.duration";

    /// <summary>Histogram of provider send durations, in seconds; tag <c>phonehub.provider</c>.</summary>
    public const string SendDuration = "phonehub.sms.send.duration";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}

/// <summary>The instruments, created once per container from <see cref="IMeterFactory"/>.</summary>
internal sealed class PhoneHubMetrics : IDisposable
{
    public PhoneHubMetrics(IMeterFactory? meterFactory = null, TimeProvider? time = null)
    {
        var meter = meterFactory?.Create(PhoneHubTelemetry.MeterName) ?? new Meter(PhoneHubTelemetry.MeterName);
        SmsSent = meter.CreateCounter<long>(PhoneHubTelemetry.SmsSent, "{message}", "Messages handed to a provider.");
        SmsFailed = meter.CreateCounter<long>(PhoneHubTelemetry.SmsFailed, "{message}", "Messages whose send failed.");
        SmsReceived = meter.CreateCounter<long>(PhoneHubTelemetry.SmsReceived, "{message}", "Inbound messages stored.");
        LookupRequests = meter.CreateCounter<long>(PhoneHubTelemetry.LookupRequests, "{lookup}", "Phone lookups, by where the answer came from.");
        LookupDuration = meter.CreateHistogram<double>(PhoneHubTelemetry.LookupDuration, "s", "Duration of provider lookups.");
        SendDuration = meter.CreateHistogram<double>(PhoneHubTelemetry.SendDuration, "s", "Duration of provider sends.");

        // The lookup report counts what this counter measures, from the moment it exists.
        LookupUsage = new Reports.LookupUsageCounter(LookupRequests, time);
    }

    public Counter<long> SmsSent { get; }

    public Counter<long> SmsFailed { get; }

    public Counter<long> SmsReceived { get; }

    public Counter<long> LookupRequests { get; }

    public Histogram<double> LookupDuration { get; }

    public Histogram<double> SendDuration { get; }

    /// <summary>This process's lookup counts per day and source, for the lookup report.</summary>
    public Reports.LookupUsageCounter LookupUsage { get; }

    public void Dispose() => LookupUsage.Dispose();
}
