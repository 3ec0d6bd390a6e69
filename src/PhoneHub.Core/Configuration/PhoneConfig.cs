using PhoneHub.Guards;
using PhoneHub.Providers;

namespace PhoneHub.Configuration;

/// <summary>
/// How one group (organization) sends SMS and looks numbers up. A config whose <see cref="Group"/> is
/// <see langword="null"/> is the system default, used by groups without an active config of their own.
/// </summary>
/// <remarks>
/// Provider-specific values (the Twilio from number, the AWS region, ...) live in <see cref="Settings"/>, declared and
/// validated by the provider's <see cref="ProviderDefinition"/>. Credentials are never part of this type: they are stored
/// encrypted and only <see cref="HasCredentials"/> is exposed.
/// </remarks>
public sealed record PhoneConfig
{
    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>();

    /// <summary>Store identifier.</summary>
    public long Id { get; init; }

    /// <summary>The group that owns the config; <see langword="null"/> for the system default.</summary>
    public string? Group { get; init; }

    /// <summary>A name for people.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Whether the config is in use. Each group has at most one active config; activating one deactivates the group's
    /// other (the write's result says which). Default <see langword="false"/>: activation is always asked for.
    /// </summary>
    public bool IsActive { get; init; }

    /// <summary>The provider name, one of <see cref="PhoneProviders"/> or a custom provider's name; it must be registered. Default <c>test</c>.</summary>
    public string Provider { get; init; } = PhoneProviders.Test;

    /// <summary>The provider's settings (see the provider's <see cref="ProviderDefinition.Settings"/>), for example <c>from_number</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = NoSettings;

    /// <summary>The identities the settings claim (receiving numbers, account, topics), derived by PhoneHub on every write.</summary>
    public IReadOnlyList<ProviderIdentity> Identities { get; init; } = [];

    /// <summary>Whether lookups may call the provider (they cost money). When off, lookups return metadata only.</summary>
    public bool LookupEnabled { get; init; } = true;

    /// <summary>How many days a provider lookup stays fresh for this config's readers.</summary>
    public int LookupCacheDays { get; init; } = 30;

    /// <summary>
    /// A config of the same group that sends a message when this one fails in a way that proves the message was not
    /// sent (the provider could not be reached, refused the credentials, the account, or the config). Never after a
    /// timeout, a 5xx, or anything else with an unknown outcome. It need not be active.
    /// </summary>
    public long? FallbackConfigId { get; init; }

    /// <summary>
    /// The most segments per second sent from one sender of this config (pacing, across the process). Default by sender
    /// type: a long code 1, a toll-free number 3, a short code 100, an alphanumeric sender ID or a messaging service 10.
    /// </summary>
    public double? SendRate { get; init; }

    /// <summary>The most segments per second sent through this config's provider account in all (every sender together); none by default.</summary>
    public double? AccountSendRate { get; init; }

    /// <summary>
    /// The rules this config's sends go through: opt-out replies, quiet hours, smart encoding and the segment ceiling,
    /// the SMS-pumping guard (allowed countries, prefix velocity, pumping risk) and the group's spend limits. By default
    /// opt-outs are honoured and every country is allowed; the rest is off.
    /// </summary>
    public SendGuardSettings Guards { get; init; } = SendGuardSettings.Default;

    /// <summary>When on, nothing is sent to a provider: messages are recorded and marked as test messages.</summary>
    public bool TestMode { get; init; }

    /// <summary>Whether encrypted credentials are stored for this config.</summary>
    public bool HasCredentials { get; init; }

    /// <summary>When the config was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When the config was last changed.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>A setting's value, or <see langword="null"/> when it is not set.</summary>
    /// <param name="name">The setting name.</param>
    /// <returns>The value.</returns>
    public string? Setting(string name) => Settings.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>The values of the identities of <paramref name="kind"/>.</summary>
    /// <param name="kind">One of <see cref="ProviderIdentityKinds"/>.</param>
    /// <returns>The values.</returns>
    public IEnumerable<string> IdentitiesOf(string kind) => Identities.Where(i => i.Kind == kind).Select(i => i.Value);

    /// <summary>Whether the config holds the identity.</summary>
    /// <param name="kind">One of <see cref="ProviderIdentityKinds"/>.</param>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Holds(string kind, string value) => Identities.Contains(new ProviderIdentity(kind, value));

    /// <summary>The provider account the config sends through (its <see cref="ProviderIdentityKinds.Account"/> identity), when it has one.</summary>
    public string? Account => IdentitiesOf(ProviderIdentityKinds.Account).FirstOrDefault();
}

/// <summary>The result of writing a config.</summary>
/// <param name="Config">The config as stored.</param>
/// <param name="DeactivatedConfigIds">Configs of the same group that this write deactivated (activating a config deactivates the group's other).</param>
public sealed record PhoneConfigWriteResult(PhoneConfig Config, IReadOnlyList<long> DeactivatedConfigIds);
