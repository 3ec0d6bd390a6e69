using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PhoneHub.Redis;

/// <summary>How PhoneHub uses Redis; set with <c>UseRedis(..., o => ...)</c>.</summary>
public sealed class PhoneHubRedisOptions
{
    /// <summary>
    /// The start of every key PhoneHub writes to Redis (cache entries, lookup leases, send-rate state) and of its pub/sub
    /// channels, so that several deployments can share one server. Every host of one deployment must use the same.
    /// Default <c>phonehub:</c>.
    /// </summary>
    [Required(AllowEmptyStrings = true)]
    [MaxLength(100)]
    public string KeyPrefix { get; set; } = "phonehub:";

    /// <summary>
    /// How often a host waiting for another host's lookup lease checks whether it is still held, in case the message
    /// that it was released is missed (a reconnect). Default 250 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan LeasePollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>Checks <see cref="PhoneHubRedisOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class PhoneHubRedisOptionsValidator : IValidateOptions<PhoneHubRedisOptions>;
