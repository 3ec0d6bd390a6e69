using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PhoneHub.Providers.Aws;

/// <summary>Settings of the AWS SNS provider; bound from the <c>PhoneHub:Aws</c> configuration section by <c>AddAws()</c>.</summary>
public sealed class AwsSnsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Aws";

    /// <summary>
    /// Overrides the SNS endpoint, like the AWS SDKs' <c>ServiceURL</c> (for local stand-ins and tests). When not set,
    /// <c>https://sns.{region}.amazonaws.com/</c> is used with the config's region. The region is still signed into every request.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>The SMS type sent with every message (<c>AWS.SNS.SMS.SMSType</c>). Default <see cref="AwsSmsType.Transactional"/>.</summary>
    public AwsSmsType DefaultSmsType { get; set; } = AwsSmsType.Transactional;

    /// <summary>The most, in USD, one message may cost (<c>AWS.SNS.SMS.MaxPrice</c>); SNS does not send messages that would cost more. Not sent when null.</summary>
    public decimal? MaxPrice { get; set; }

    /// <summary>How long one SNS call may take before it is abandoned. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a connection test is retried after throttling, a 5xx answer or a network failure. Default 3. A connection
    /// test makes at most <c>ConnectionTestMaxRetries + 1</c> HTTP attempts, counted at the socket: the HTTP handler's own
    /// re-sends (after a connection closed without an answer) are turned off, so they cannot multiply the budget. Sends are
    /// never retried: one Publish is exactly one HTTP attempt.
    /// </summary>
    /// <remarks>
    /// The count holds with PhoneHub's primary handler, or with a <see cref="System.Net.Http.SocketsHttpHandler"/> the host
    /// configured for these clients before <c>AddAws</c> (which PhoneHub keeps and guards); a primary handler of another
    /// type set afterwards replaces the guard.
    /// </remarks>
    [Range(0, 10)]
    public int ConnectionTestMaxRetries { get; set; } = 3;

    /// <summary>The first delay between connection-test retries; later ones grow exponentially, with jitter. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ConnectionTestRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>SNS's SMS types (<c>AWS.SNS.SMS.SMSType</c>).</summary>
public enum AwsSmsType
{
    /// <summary>Critical messages (one-time passwords, alerts): optimized for reliable delivery.</summary>
    Transactional,

    /// <summary>Marketing messages: optimized for cost.</summary>
    Promotional,
}

/// <summary>Checks <see cref="AwsSnsOptions"/>' data annotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class AwsSnsOptionsValidator : IValidateOptions<AwsSnsOptions>;

/// <summary>The checks data annotations cannot express; messages name the configuration key.</summary>
internal sealed class AwsSnsOptionsSemanticValidator : IValidateOptions<AwsSnsOptions>
{
    public ValidateOptionsResult Validate(string? name, AwsSnsOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            builder.AddError("The SNS service URL must be an absolute http or https URL without query or fragment.", "PhoneHub:Aws:ServiceUrl");
        }

        if (!Enum.IsDefined(options.DefaultSmsType))
        {
            builder.AddError("The SMS type must be Transactional or Promotional.", "PhoneHub:Aws:DefaultSmsType");
        }

        if (options.MaxPrice is { } price && (price <= 0 || price > 10_000))
        {
            builder.AddError("The maximum price must be more than 0 and at most 10000 (USD).", "PhoneHub:Aws:MaxPrice");
        }

        return builder.Build();
    }
}
