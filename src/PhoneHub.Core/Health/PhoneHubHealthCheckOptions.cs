using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PhoneHub.Health;

/// <summary>Settings of PhoneHub's health checks (<c>services.AddHealthChecks().AddPhoneHub(o => ...)</c>).</summary>
public sealed class PhoneHubHealthCheckOptions
{
    /// <summary>
    /// How long the oldest due message may wait for a provider call before <see cref="PhoneHubHealthChecks.Queue"/>
    /// fails. Default 10 minutes. A bulk send paced by <c>PhoneConfig.SendRate</c> can keep messages waiting on
    /// purpose: set it above the longest wait your send rates allow.
    /// </summary>
    public TimeSpan MaxDueMessageAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the background dispatcher may show no progress, beyond its poll interval, before
    /// <see cref="PhoneHubHealthChecks.Dispatcher"/> fails. Default 2 minutes.
    /// </summary>
    public TimeSpan DispatcherStallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long each check may take before it counts as failed. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The status a failing check reports. Default <see cref="HealthStatus.Unhealthy"/>.</summary>
    public HealthStatus FailureStatus { get; set; } = HealthStatus.Unhealthy;

    /// <summary>The tags of every PhoneHub check, for filtering endpoints (<c>Predicate = r => r.Tags.Contains("phonehub")</c>). Default <c>phonehub</c>.</summary>
    public ISet<string> Tags { get; } = new HashSet<string>(StringComparer.Ordinal) { PhoneHubHealthChecks.Tag };

    internal void Validate()
    {
        if (MaxDueMessageAge <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDueMessageAge), MaxDueMessageAge, "PhoneHub health check option MaxDueMessageAge must be positive.");
        }

        if (DispatcherStallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DispatcherStallTimeout), DispatcherStallTimeout, "PhoneHub health check option DispatcherStallTimeout must be positive.");
        }

        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "PhoneHub health check option Timeout must be positive (or infinite).");
        }
    }
}

/// <summary>The names and tag of PhoneHub's health checks.</summary>
public static class PhoneHubHealthChecks
{
    /// <summary>The tag every PhoneHub check carries by default.</summary>
    public const string Tag = "phonehub";

    /// <summary>The store can be reached and read, and its schema is at the version this build needs.</summary>
    public const string Store = "phonehub.store";

    /// <summary>At least one config is active (else every send fails).</summary>
    public const string Configs = "phonehub.configs";

    /// <summary>Every active config's provider is registered in this host.</summary>
    public const string Providers = "phonehub.providers";

    /// <summary>The background dispatcher runs and makes progress (or is turned off on this host).</summary>
    public const string Dispatcher = "phonehub.dispatcher";

    /// <summary>The oldest due message has waited less than <see cref="PhoneHubHealthCheckOptions.MaxDueMessageAge"/>.</summary>
    public const string Queue = "phonehub.queue";
}
