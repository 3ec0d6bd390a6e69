using System.Collections.ObjectModel;

namespace PhoneHub.Security;

/// <summary>
/// Secrets for one provider account (for example a Twilio account SID and auth token, or an AWS access key).
/// Held in memory only as long as a call needs them; stored encrypted; never printed.
/// </summary>
/// <remarks><see cref="ToString"/> lists the names of the values it holds, never the values.</remarks>
public sealed class ProviderCredentials
{
    /// <summary>Twilio account SID (<c>AC...</c>).</summary>
    public const string TwilioAccountSid = "account_sid";

    /// <summary>Twilio auth token.</summary>
    public const string TwilioAuthToken = "auth_token";

    /// <summary>Twilio API key SID (<c>SK...</c>), used with <see cref="TwilioApiKeySecret"/> instead of the auth token.</summary>
    public const string TwilioApiKeySid = "api_key_sid";

    /// <summary>Twilio API key secret.</summary>
    public const string TwilioApiKeySecret = "api_key_secret";

    /// <summary>AWS access key id.</summary>
    public const string AwsAccessKeyId = "access_key_id";

    /// <summary>AWS secret access key.</summary>
    public const string AwsSecretAccessKey = "secret_access_key";

    /// <summary>AWS session token for temporary credentials.</summary>
    public const string AwsSessionToken = "session_token";

    private readonly ReadOnlyDictionary<string, string> _values;

    /// <summary>Creates credentials from name/value pairs; empty values are dropped.</summary>
    /// <param name="values">The values, keyed by the constants on this type (or a custom provider's names).</param>
    public ProviderCredentials(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (!string.IsNullOrWhiteSpace(key) && !string.IsNullOrEmpty(value))
            {
                copy[key] = value;
            }
        }

        _values = copy.AsReadOnly();
    }

    /// <summary>The names of the values held (never the values).</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Whether nothing is held.</summary>
    public bool IsEmpty => _values.Count == 0;

    /// <summary>Gets a value, or <see langword="null"/> when absent.</summary>
    /// <param name="name">One of the constants on this type.</param>
    /// <returns>The value.</returns>
    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Creates Twilio credentials with an auth token.</summary>
    /// <param name="accountSid">The account SID.</param>
    /// <param name="authToken">The auth token.</param>
    /// <returns>The credentials.</returns>
    public static ProviderCredentials ForTwilio(string accountSid, string authToken) => new(
    [
        new(TwilioAccountSid, accountSid),
        new(TwilioAuthToken, authToken),
    ]);

    /// <summary>Creates AWS credentials.</summary>
    /// <param name="accessKeyId">The access key id.</param>
    /// <param name="secretAccessKey">The secret access key.</param>
    /// <param name="sessionToken">The session token, for temporary credentials.</param>
    /// <returns>The credentials.</returns>
    public static ProviderCredentials ForAws(string accessKeyId, string secretAccessKey, string? sessionToken = null) => new(
    [
        new(AwsAccessKeyId, accessKeyId),
        new(AwsSecretAccessKey, secretAccessKey),
        new(AwsSessionToken, sessionToken),
    ]);

    internal IReadOnlyDictionary<string, string> Values => _values;

    /// <inheritdoc />
    public override string ToString() => $"ProviderCredentials {{ {string.Join(", ", _values.Keys.Order(StringComparer.Ordinal))} }}";
}
