using System.ComponentModel.DataAnnotations;

namespace PhoneHub;

/// <summary>Settings of PhoneHub; bound from the <c>PhoneHub</c> configuration section by <c>AddPhoneHub()</c>.</summary>
public sealed class PhoneHubOptions
{
    /// <summary>The configuration section read by the parameterless <c>AddPhoneHub()</c>.</summary>
    public const string SectionName = "PhoneHub";

    /// <summary>The region used to read numbers written without a country code. Default <c>US</c>.</summary>
    [Required]
    public string DefaultRegion { get; set; } = "US";

    /// <summary>
    /// The key that encrypts provider credentials at rest: 32 random bytes, base64. When not set, the environment
    /// variable named by <see cref="EncryptionKeyEnvironmentVariable"/> is used; with neither, storing credentials is
    /// refused (and the host is warned at start).
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>
    /// The environment variable read for the encryption key when <see cref="EncryptionKey"/> is not set. Default
    /// <c>PHONEHUB_ENCRYPTION_KEY</c>; <see langword="null"/> or empty reads none (tests that must not see the machine's environment).
    /// </summary>
    public string? EncryptionKeyEnvironmentVariable { get; set; } = "PHONEHUB_ENCRYPTION_KEY";

    /// <summary>
    /// Whether the store's schema is migrated when the host starts (before it serves requests), rather than on first use.
    /// Default <see langword="true"/>. Turn it off when migrations run as a separate deployment step.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// The public base URL of the host (for example <c>https://app.example.com</c>), used to build provider callback URLs
    /// (such as Twilio's StatusCallback) and to check webhook signatures behind proxies. Optional.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The path the ASP.NET Core routes are mounted under; callback URLs are built from it. Default <c>/api/phonehub</c>.</summary>
    [Required]
    public string RoutePrefix { get; set; } = "/api/phonehub";

    /// <summary>How long a failed lookup of a never-seen number is remembered, so it is not retried (and paid for) at once. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan LookupNegativeCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many looked-up numbers are kept in process memory in front of the store. Default 10,000; 0 turns the memory tier off.</summary>
    [Range(0, 10_000_000)]
    public int LookupMemoryCacheSize { get; set; } = 10_000;

    /// <summary>How long a number stays in the memory tier at most (it also never outlives its lookup expiry). Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan LookupMemoryCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a looked-up record stays in the shared tier (the distributed level of <c>HybridCache</c>, used when the host
    /// registers an <c>IDistributedCache</c>, for example with <c>UseRedis(...)</c>) at most; it never outlives its lookup
    /// expiry, and each reader still judges freshness by its own window. Default 1 hour; <see cref="TimeSpan.Zero"/>
    /// keeps lookups out of the shared tier.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan LookupSharedCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest one host holds the right to buy a number's lookup when a lease provider shares it between hosts
    /// (<c>UseRedis(...)</c>); the others wait for its answer that long at most, then try themselves. Longer than a
    /// provider lookup with its retries takes. Default 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LookupLeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The config whose provider answers lookups when the config that applies to a group has a provider without a
    /// lookup API (AWS SNS has none): for example a Twilio config used for lookups by a host that sends through AWS.
    /// When not set, such lookups return metadata-only data marked with provider <c>local</c>.
    /// </summary>
    public long? LookupConfigId { get; set; }

    /// <summary>
    /// How long the config that applies to a group, and the config that holds a number, account or topic, is reused
    /// before the store is asked again (by any host, when the shared tier holds it). Writes through this process take
    /// effect at once; writes by another process at once when an invalidation channel connects the hosts
    /// (<c>UseRedis(...)</c>), otherwise within this time. Default 5 seconds; <see cref="TimeSpan.Zero"/> turns the cache off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ConfigCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest message body accepted, in characters. Default 1,600 (Twilio's limit).</summary>
    [Range(1, 100_000)]
    public int MaxBodyLength { get; set; } = 1600;
}
