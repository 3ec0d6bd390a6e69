using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// Settings of the send pipeline's dispatcher, bound from <c>PhoneHub:Dispatch</c>. In a generic host (ASP.NET Core
/// included) a background service dispatches due messages; elsewhere call <see cref="ISmsService.DispatchDueAsync"/>.
/// </summary>
public sealed class SmsDispatchOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Dispatch";

    /// <summary>Whether the host runs the background dispatcher. Default <see langword="true"/>; turn it off on hosts that must not send (a read-only dashboard).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether sends are paced per sender and account (see <c>PhoneConfig.SendRate</c>). Default <see langword="true"/>.</summary>
    public bool PaceSenders { get; set; } = true;

    /// <summary>How often an idle dispatcher looks for due messages (it is also woken at once by new messages of this process). Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many due messages one dispatcher claims at a time. Default 64.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>How many provider calls one dispatcher makes at once. Default 16.</summary>
    [Range(1, 1_000)]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>
    /// How long a claim lasts before another dispatcher may take the message (or, once its provider call started, before
    /// the call is resolved as outcome unknown). Must exceed the longest provider call. Default 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often lapsed provider calls (of processes that died) are resolved. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a throttled sender pauses when the provider gave no Retry-After. Default 1 second; doubled on each throttle in a row, up to a minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ThrottleBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an inline send (<c>SendAsync</c>) waits out a throttle and tries again before leaving the message to the dispatcher. Default 3.</summary>
    [Range(0, 100)]
    public int InlineThrottleRetries { get; set; } = 3;

    /// <summary>
    /// How often the send queue is counted for the <c>phonehub.sms.queue.*</c> gauges (by the background dispatcher, or on
    /// collection when it is off). Default 15 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueSampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long status reports for provider ids no message has are kept. Default 3 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PendingStatusRetention { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>Checks <see cref="SmsDispatchOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class SmsDispatchOptionsValidator : IValidateOptions<SmsDispatchOptions>;
