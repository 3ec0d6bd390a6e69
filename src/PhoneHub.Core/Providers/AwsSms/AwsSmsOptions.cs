using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PhoneHub.Providers.Aws;

namespace PhoneHub.Providers.AwsSms;

/// <summary>
/// Host-wide settings of the <c>aws-sms</c> provider (AWS End User Messaging SMS, the <c>pinpoint-sms-voice-v2</c> API);
/// bound from the <c>PhoneHub:AwsSms</c> configuration section by <c>AddAwsSms()</c>. The sending defaults here apply to
/// every <c>aws-sms</c> config that does not set its own value; a config's setting always wins (see <see cref="AwsSmsDefinition"/>).
/// </summary>
public sealed class AwsSmsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:AwsSms";

    /// <summary>
    /// Overrides the endpoint, like the AWS SDKs' <c>ServiceURL</c> (for local stand-ins and tests). When not set,
    /// <c>https://sms-voice.{region}.amazonaws.com/</c> is used with the config's region. The region is still signed into every request.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// The origination identity used when a config has neither <c>origination_identity</c> nor <c>origination_number</c>: a
    /// phone number, phone number ID, sender ID, pool ID, or the ARN of one of them (<c>OriginationIdentity</c>). When
    /// nothing is set, AWS picks one for text messages (media messages need one).
    /// </summary>
    public string? OriginationIdentity { get; set; }

    /// <summary>
    /// The configuration set name or ARN sent with messages of configs without <c>configuration_set</c>
    /// (<c>ConfigurationSetName</c>). Its event destination's topic is owned by one config, so receipts for other
    /// tenants' messages would be refused: multi-tenant hosts give each config its own set.
    /// </summary>
    public string? ConfigurationSetName { get; set; }

    /// <summary>The protect configuration ID or ARN sent with messages of configs without <c>protect_configuration_id</c> (<c>ProtectConfigurationId</c>).</summary>
    public string? ProtectConfigurationId { get; set; }

    /// <summary>The message type of text messages of configs without <c>message_type</c> (<c>MessageType</c>); <see langword="null"/> leaves it to the account's default. Default <see cref="AwsSmsType.Transactional"/>.</summary>
    public AwsSmsType? MessageType { get; set; } = AwsSmsType.Transactional;

    /// <summary>The most, in USD, one message of a config without <c>max_price</c> may cost (<c>MaxPrice</c>; below 100, at most 5 decimals); AWS refuses messages that would cost more. Not sent when null.</summary>
    public decimal? MaxPrice { get; set; }

    /// <summary>How long AWS keeps trying to hand a message of a config without <c>time_to_live</c> to the carrier (<c>TimeToLive</c>, whole seconds from 5 seconds to 72 hours). AWS's default (72 hours) when null.</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>When on, AWS validates every message of configs without <c>dry_run</c> without delivering it (<c>DryRun</c>); messages are stored as canceled with code <c>dry_run</c>.</summary>
    public bool DryRun { get; set; }

    /// <summary>The opt-out list that opt-out calls read and write (<c>OptOutListName</c>, a name or ARN). Default <c>Default</c>, the list every account has.</summary>
    public string OptOutListName { get; set; } = "Default";

    /// <summary>How long one call may take (including the retries of calls that are retried) before it is abandoned. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often calls that are safe to repeat (connection tests, opt-out list reads and writes) are retried after
    /// throttling, a 5xx answer or a network failure. Default 3. Sends are never retried.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first delay between retries; later ones grow exponentially, with jitter. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Checks <see cref="AwsSmsOptions"/>' data annotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class AwsSmsOptionsValidator : IValidateOptions<AwsSmsOptions>;

/// <summary>The checks data annotations cannot express, with AWS's published limits; messages name the configuration key.</summary>
internal sealed class AwsSmsOptionsSemanticValidator : IValidateOptions<AwsSmsOptions>
{
    private const string Section = AwsSmsOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, AwsSmsOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            builder.AddError("The service URL must be an absolute http or https URL without query or fragment.", Section + nameof(AwsSmsOptions.ServiceUrl));
        }

        if (options.OriginationIdentity is { } identity && !AwsSmsLimits.IsOriginationIdentity(identity))
        {
            builder.AddError("The origination identity must be 1 to 256 letters, digits and _ : / + - (a number, sender ID, pool ID or an ARN).", Section + nameof(AwsSmsOptions.OriginationIdentity));
        }

        if (options.ConfigurationSetName is { } set && !AwsSmsLimits.IsResourceNameOrArn(set))
        {
            builder.AddError("The configuration set must be a name or ARN of 1 to 256 letters, digits and _ : / -.", Section + nameof(AwsSmsOptions.ConfigurationSetName));
        }

        if (options.ProtectConfigurationId is { } protect && !AwsSmsLimits.IsResourceNameOrArn(protect))
        {
            builder.AddError("The protect configuration must be an ID or ARN of 1 to 256 letters, digits and _ : / -.", Section + nameof(AwsSmsOptions.ProtectConfigurationId));
        }

        if (!AwsSmsLimits.IsResourceNameOrArn(options.OptOutListName))
        {
            builder.AddError("The opt-out list must be a name or ARN of 1 to 256 letters, digits and _ : / -.", Section + nameof(AwsSmsOptions.OptOutListName));
        }

        if (options.MessageType is { } type && !Enum.IsDefined(type))
        {
            builder.AddError("The message type must be Transactional or Promotional.", Section + nameof(AwsSmsOptions.MessageType));
        }

        if (options.MaxPrice is { } price && AwsSmsLimits.FormatMaxPrice(price) is null)
        {
            builder.AddError("The maximum price must be more than 0 and less than 100 (USD), with at most 5 decimals.", Section + nameof(AwsSmsOptions.MaxPrice));
        }

        if (options.TimeToLive is { } ttl && AwsSmsLimits.TimeToLiveSeconds(ttl) is null)
        {
            builder.AddError("The time to live must be whole seconds from 5 seconds to 72 hours.", Section + nameof(AwsSmsOptions.TimeToLive));
        }

        return builder.Build();
    }
}

/// <summary>
/// The input limits of the <c>pinpoint-sms-voice-v2</c> API (2022-03-31 service model) that PhoneHub checks before
/// sending, so a value AWS would refuse fails early with a clear message.
/// </summary>
internal static partial class AwsSmsLimits
{
    /// <summary>Most entries in <c>Context</c> (ContextMap max 5).</summary>
    public const int MaxContextEntries = 5;

    /// <summary>Most media URLs per message (MediaUrlList max 1).</summary>
    public const int MaxMediaUrls = 1;

    /// <summary>The shortest <c>TimeToLive</c>, in seconds.</summary>
    public const int MinTimeToLiveSeconds = 5;

    /// <summary>The longest <c>TimeToLive</c>, in seconds (72 hours).</summary>
    public const int MaxTimeToLiveSeconds = 259_200;

    public static bool IsOriginationIdentity(string value) => OriginationIdentityPattern().IsMatch(value);

    public static bool IsResourceNameOrArn(string? value) => value is not null && ResourceNameOrArn().IsMatch(value);

    /// <summary>TextMessageOriginationIdentity / MediaMessageOriginationIdentity: 1-256 of <c>[A-Za-z0-9_:/\+-]</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_:/+-]{1,256}$")]
    public static partial Regex OriginationIdentityPattern();

    /// <summary>An origination identity that is not a bare phone number (those belong in the identity-claiming <c>origination_number</c>).</summary>
    [GeneratedRegex(@"^(?!\+?[0-9]+$)[A-Za-z0-9_:/+-]{1,256}$")]
    public static partial Regex NonNumberOriginationIdentity();

    /// <summary>ConfigurationSetNameOrArn, ProtectConfigurationIdOrArn, OptOutListNameOrArn: 1-256 of <c>[A-Za-z0-9_:/-]</c>.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_:/-]{1,256}$")]
    public static partial Regex ResourceNameOrArn();

    // MediaUrlValue: s3://([a-z0-9\.-]{3,63})/(.+), at most 2048 characters.
    public static bool IsMediaUrl(string value)
    {
        const string scheme = "s3://";
        if (value.Length > 2048 || !value.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var slash = value.IndexOf('/', scheme.Length);
        if (slash < 0 || slash == value.Length - 1)
        {
            return false;
        }

        var bucket = value.AsSpan(scheme.Length, slash - scheme.Length);
        foreach (var c in bucket)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
            {
                return false;
            }
        }

        return bucket.Length is >= 3 and <= 63;
    }

    /// <summary>
    /// <c>MaxPrice</c> as AWS wants it: a string of 2 to 8 characters matching <c>[0-9]{0,2}\.[0-9]{1,5}</c> (so always a
    /// decimal point, at most 5 decimals, below 100). <see langword="null"/> when the value cannot be written that way.
    /// </summary>
    public static string? FormatMaxPrice(decimal price)
    {
        if (price <= 0 || price >= 100 || decimal.Round(price, 5) != price)
        {
            return null;
        }

        var text = price.ToString("0.0####", CultureInfo.InvariantCulture);
        return text.Length is >= 2 and <= 8 ? text : null;
    }

    /// <summary><c>TimeToLive</c> in whole seconds, 5 to 259200 (72 hours); <see langword="null"/> outside that or for fractions of a second.</summary>
    public static int? TimeToLiveSeconds(TimeSpan ttl)
    {
        if (ttl.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return null;
        }

        var seconds = ttl.Ticks / TimeSpan.TicksPerSecond;
        return seconds is >= MinTimeToLiveSeconds and <= MaxTimeToLiveSeconds ? (int)seconds : null;
    }
}
