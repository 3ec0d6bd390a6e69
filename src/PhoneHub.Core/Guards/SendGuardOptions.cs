using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PhoneHub.Guards;

/// <summary>
/// Host-wide settings of the send guards, bound from <c>PhoneHub:Guards</c>: the price table that estimates what a
/// message costs where the provider says nothing (AWS, or before Twilio prices it), the per-lookup price of the lookup
/// report, and cache durations. What each config allows is in <see cref="Configuration.PhoneConfig.Guards"/>.
/// </summary>
public sealed class SendGuardOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Guards";

    /// <summary>
    /// Estimated prices per segment by destination country and sender type; the most specific entry wins (country and
    /// sender type, then country, then <c>*</c> with the sender type, then <c>*</c>). Empty by default.
    /// </summary>
    [ValidateEnumeratedItems]
    public IList<SmsPrice> Prices { get; } = new List<SmsPrice>();

    /// <summary>
    /// The estimate per segment when no entry of <see cref="Prices"/> matches. Default 0.01, a placeholder of the right
    /// order for US long codes: set your provider's prices. <see langword="null"/> leaves such messages unpriced (and
    /// counted as free by spend limits).
    /// </summary>
    [Range(typeof(decimal), "0", "1000")]
    public decimal? DefaultPricePerSegment { get; set; } = 0.01m;

    /// <summary>The currency of the price table and of the spend limits. Default <c>USD</c>.</summary>
    [Required]
    [RegularExpression("^[A-Z]{3}$")]
    public string Currency { get; set; } = "USD";

    /// <summary>What one provider lookup costs, for the lookup report's spend and savings. Default none (the report gives counts only).</summary>
    [Range(typeof(decimal), "0", "1000")]
    public decimal? LookupPrice { get; set; }

    /// <summary>How long a recipient's pumping-risk score is reused before it is looked up again. Default 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan PumpingRiskCacheDuration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often this process's lookup counts are added to the store for the lookup report. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LookupUsageFlushInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>One entry of the price table (<see cref="SendGuardOptions.Prices"/>).</summary>
public sealed class SmsPrice
{
    /// <summary>The destination region (ISO 3166-1, for example <c>US</c>), or <c>*</c> for any.</summary>
    [Required]
    public string Country { get; set; } = "*";

    /// <summary>The sender type (one of <see cref="SenderTypes"/>), or <see langword="null"/> for any.</summary>
    public string? SenderType { get; set; }

    /// <summary>The price of one segment, in <see cref="SendGuardOptions.Currency"/>.</summary>
    [Range(typeof(decimal), "0", "1000")]
    public decimal PricePerSegment { get; set; }
}

/// <summary>The sender types the price table distinguishes.</summary>
public static class SenderTypes
{
    /// <summary>A 10-digit (or international) long code.</summary>
    public const string LongCode = "long_code";

    /// <summary>A toll-free number.</summary>
    public const string TollFree = "toll_free";

    /// <summary>A short code (3 to 8 digits).</summary>
    public const string ShortCode = "short_code";

    /// <summary>An alphanumeric sender ID.</summary>
    public const string Alphanumeric = "alphanumeric";

    /// <summary>A Twilio Messaging Service (it picks the sender).</summary>
    public const string MessagingService = "messaging_service";

    /// <summary>All of them.</summary>
    public static IReadOnlyList<string> All { get; } = [LongCode, TollFree, ShortCode, Alphanumeric, MessagingService];
}

/// <summary>Checks <see cref="SendGuardOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class SendGuardOptionsValidator : IValidateOptions<SendGuardOptions>;

/// <summary>Checks what the attributes cannot: the entries of the price table.</summary>
internal sealed class SendGuardOptionsSemanticValidator : IValidateOptions<SendGuardOptions>
{
    public ValidateOptionsResult Validate(string? name, SendGuardOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Prices.Count; i++)
        {
            var price = options.Prices[i];
            if (price.Country != "*" && !Normalization.PhoneNormalizer.IsSupportedRegion(price.Country))
            {
                failures.Add($"{SectionName(i)}:Country '{price.Country}' is not a region code (for example US) or '*'.");
            }

            if (price.SenderType is { } type && !SenderTypes.All.Contains(type))
            {
                failures.Add($"{SectionName(i)}:SenderType '{type}' is not one of {string.Join(", ", SenderTypes.All)}.");
            }

            if (price.PricePerSegment is < 0 or > 1000)
            {
                failures.Add($"{SectionName(i)}:PricePerSegment must be 0 to 1000.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string SectionName(int index) => $"{SendGuardOptions.SectionName}:Prices:{index}";
}
