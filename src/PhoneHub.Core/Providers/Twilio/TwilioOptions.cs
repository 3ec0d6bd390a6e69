using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PhoneHub.Providers.Twilio;

/// <summary>
/// Settings of the Twilio provider, bound from the <c>PhoneHub:Twilio</c> configuration section by <c>AddTwilio()</c>.
/// Credentials are not here: each config stores its own account's credentials.
/// </summary>
public sealed class TwilioOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Twilio";

    /// <summary>The base URL of Twilio's REST API (Messages, Accounts). Default <c>https://api.twilio.com</c>; override it for edges or mocks.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");

    /// <summary>The base URL of Twilio Lookup. Default <c>https://lookups.twilio.com</c>.</summary>
    [Required]
    public Uri LookupsBaseUrl { get; set; } = new("https://lookups.twilio.com");

    /// <summary>How long one HTTP attempt may take. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a lookup or connection test may take in total, retries and their delays included. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often a lookup or connection test is retried after a 429, a 5xx or a network failure. Default 3. A lookup or
    /// connection test makes at most <c>MaxRetryAttempts + 1</c> HTTP attempts, counted at the socket: the HTTP handler's
    /// own re-sends (after a connection closed without an answer) are turned off, so they cannot multiply the budget.
    /// Message creates are never retried: one create is exactly one HTTP attempt.
    /// </summary>
    /// <remarks>
    /// The count holds with PhoneHub's primary handler, or with a <see cref="System.Net.Http.SocketsHttpHandler"/> the host
    /// configured for these clients before <c>AddTwilio</c> (which PhoneHub keeps and guards); a primary handler of another
    /// type set afterwards replaces the guard.
    /// </remarks>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter. A <c>Retry-After</c> header takes precedence. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The Lookup v2 data packages requested, comma-separated (sent as one <c>Fields</c> value).
    /// Default <c>line_type_intelligence,caller_name</c>; empty asks only for the free basic lookup.
    /// </summary>
    public string Fields { get; set; } = "line_type_intelligence,caller_name";
}

/// <summary>Checks <see cref="TwilioOptions"/> data annotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class TwilioOptionsValidator : IValidateOptions<TwilioOptions>;

/// <summary>The checks data annotations cannot express; messages name the configuration key to fix.</summary>
internal sealed class TwilioOptionsSemanticValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        CheckUrl(builder, options.ApiBaseUrl, "ApiBaseUrl");
        CheckUrl(builder, options.LookupsBaseUrl, "LookupsBaseUrl");
        if (options.TotalRequestTimeout < options.RequestTimeout)
        {
            builder.AddError("The total request timeout must not be shorter than the per-attempt request timeout.", TwilioOptions.SectionName + ":TotalRequestTimeout");
        }

        if (options.Fields is null || (options.Fields.Trim().Length > 0 && options.Fields.Split(',').Any(f => f.Trim().Length == 0)))
        {
            builder.AddError("Fields must be a comma-separated list of Lookup v2 data packages without empty entries (for example 'line_type_intelligence,caller_name').", TwilioOptions.SectionName + ":Fields");
        }

        return builder.Build();
    }

    private static void CheckUrl(ValidateOptionsResultBuilder builder, Uri? url, string key)
    {
        if (url is null)
        {
            return; // [Required] reports it.
        }

        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(url.Query))
        {
            builder.AddError($"'{url}' must be an absolute http or https URL without a query.", TwilioOptions.SectionName + ":" + key);
        }
    }
}
