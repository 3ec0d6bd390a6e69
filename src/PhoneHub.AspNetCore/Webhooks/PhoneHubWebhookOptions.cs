namespace PhoneHub.AspNetCore;

/// <summary>Settings of PhoneHub's provider webhooks (Twilio and Amazon SNS).</summary>
/// <remarks>
/// Bound from the <c>PhoneHub:Webhooks</c> configuration section; set in code with
/// <c>ConfigureWebhooks(...)</c> or <c>services.Configure&lt;PhoneHubWebhookOptions&gt;(...)</c>.
/// </remarks>
public sealed class PhoneHubWebhookOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PhoneHub:Webhooks";

    /// <summary>
    /// The name of the <see cref="System.Net.Http.HttpClient"/> (from <c>IHttpClientFactory</c>) that fetches SNS signing
    /// certificates and confirms SNS subscriptions. Hosts can add handlers to it, for example an outbound proxy.
    /// </summary>
    public const string SnsHttpClientName = "PhoneHub.Sns";

    /// <summary>The largest webhook body accepted, in bytes; larger requests get 413. Default 64 KiB (Twilio and SNS send a few KiB).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long the auth tokens found for a receiving number or an account SID are kept in memory, so that a burst of
    /// webhooks does not decrypt credentials once per request. Default 1 minute; <see cref="TimeSpan.Zero"/> turns it off.
    /// A rotated token is accepted at the latest after this time; a lookup that found no config is kept at most 5 seconds.
    /// </summary>
    public TimeSpan TwilioCredentialCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An extra restriction on the SNS topics the AWS webhook accepts. A notification is accepted only from a topic that an
    /// active config owns (its <c>topic_arns</c> setting) in any case; when this list is not empty the topic must also be
    /// in it. Default empty.
    /// </summary>
    public IList<string> AllowedSnsTopicArns { get; } = [];

    /// <summary>How long a downloaded SNS signing certificate is reused. Default 1 hour.</summary>
    public TimeSpan SnsCertificateCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether a signed SNS <c>SubscriptionConfirmation</c> is confirmed by calling its <c>SubscribeURL</c> (only when
    /// that URL is on the signing certificate's SNS host and names the same topic and token). Default <see langword="true"/>.
    /// </summary>
    public bool ConfirmSnsSubscriptions { get; set; } = true;
}
