namespace PhoneHub.Providers.Twilio;

/// <summary>
/// Names of the HttpClients the Twilio provider uses, so hosts can add their own handlers
/// (<c>services.AddHttpClient(TwilioHttpClientNames.Lookups).AddHttpMessageHandler(...)</c>).
/// </summary>
public static class TwilioHttpClientNames
{
    /// <summary>Account calls on the REST API (the connection test). Retried on 429, 5xx and network failures.</summary>
    public const string Api = "PhoneHub.Twilio.Api";

    /// <summary>Message creates. Never retried: a create that timed out or got a 5xx may have been accepted.</summary>
    public const string Messages = "PhoneHub.Twilio.Messages";

    /// <summary>Lookup v2. Retried on 429 (honouring <c>Retry-After</c>), 5xx and network failures.</summary>
    public const string Lookups = "PhoneHub.Twilio.Lookups";
}
