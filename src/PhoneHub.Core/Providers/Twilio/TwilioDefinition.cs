using System.Text.RegularExpressions;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Security;

namespace PhoneHub.Providers.Twilio;

/// <summary>The settings and credentials of a Twilio config.</summary>
public static partial class TwilioDefinition
{
    /// <summary>Setting: the Twilio number messages are sent from and received on (E.164).</summary>
    public const string FromNumber = "from_number";

    /// <summary>Setting: the Messaging Service SID (<c>MG...</c>) used instead of, or beside, a from number.</summary>
    public const string MessagingServiceSid = "messaging_service_sid";

    /// <summary>
    /// Setting: the account SID (<c>AC...</c>). Not a secret, so it is kept in clear; it is the config's account identity,
    /// which status callbacks must match. Storing credentials with an <c>account_sid</c> sets it.
    /// </summary>
    public const string AccountSid = "account_sid";

    /// <summary>The definition.</summary>
    public static ProviderDefinition Instance { get; } = new(
        PhoneProviders.Twilio,
        [
            new ProviderSetting(FromNumber, ProviderSettingKind.PhoneNumber, "The Twilio number messages are sent from and received on.")
            {
                IdentityKind = ProviderIdentityKinds.PhoneNumber,
                IsSender = true,
            },
            new ProviderSetting(MessagingServiceSid, ProviderSettingKind.Text, "The Messaging Service SID that picks the sender when no from number is set; inbound to its numbers arrives with it.")
            {
                IdentityKind = ProviderIdentityKinds.MessagingService,
                IsSender = true,
                Pattern = SenderIds.MessagingServiceSid(),
                PatternDescription = "'MG' followed by 32 hexadecimal characters",
            },
            new ProviderSetting(AccountSid, ProviderSettingKind.Text, "The Twilio account SID (not a secret); set by storing credentials that include it.")
            {
                IdentityKind = ProviderIdentityKinds.Account,
                Pattern = AccountSidPattern(),
                PatternDescription = "'AC' followed by 32 hexadecimal characters",
            },
        ],
        [
            new ProviderCredentialField(ProviderCredentials.TwilioAccountSid, "The account SID; kept in clear as the account_sid setting.")
            {
                Aliases = ["twilio_account_sid"],
                StoredAsSetting = AccountSid,
                Pattern = AccountSidPattern(),
                PatternDescription = "'AC' followed by 32 hexadecimal characters",
            },
            new ProviderCredentialField(ProviderCredentials.TwilioAuthToken, "The account's auth token (also what webhook signatures are checked with).")
            {
                Aliases = ["twilio_auth_token"],
            },
            new ProviderCredentialField(ProviderCredentials.TwilioApiKeySid, "An API key SID (SK...), used with its secret instead of the auth token for REST calls.")
            {
                Aliases = ["twilio_api_key_sid"],
                Pattern = ApiKeySidPattern(),
                PatternDescription = "'SK' followed by 32 hexadecimal characters",
            },
            new ProviderCredentialField(ProviderCredentials.TwilioApiKeySecret, "The API key's secret.")
            {
                Aliases = ["twilio_api_key_secret"],
            },
        ],
        validation =>
        {
            if (validation.Sends && !validation.Has(FromNumber) && !validation.Has(MessagingServiceSid))
            {
                validation.AddError(FromNumber, "A Twilio config that sends needs a from number or a messaging service SID.");
            }
        })
    {
        // "Attempt to send to unsubscribed recipient": the number replied STOP to this sender.
        OptOutErrorCodes = new HashSet<string>(StringComparer.Ordinal) { "21610" },
    };

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex("^SK[0-9a-fA-F]{32}$")]
    private static partial Regex ApiKeySidPattern();
}
