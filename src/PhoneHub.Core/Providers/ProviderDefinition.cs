using System.Text.RegularExpressions;

namespace PhoneHub.Providers;

/// <summary>
/// What a provider needs on a config, declared by the provider itself: its settings (validated and normalized by
/// PhoneHub on every write), the identities those settings claim, and the names of its credentials. Core and the
/// schema know nothing provider-specific beyond this, so a provider from another package works the same as the built-in ones.
/// </summary>
public sealed class ProviderDefinition
{
    private readonly Dictionary<string, ProviderSetting> _settings;
    private readonly Dictionary<string, ProviderCredentialField> _credentialsByName;
    private readonly IReadOnlyList<string> _mediaUrlSchemes = DefaultMediaUrlSchemes;

    /// <summary>The media URL schemes of a provider that declares none: what Twilio and most MMS APIs fetch from.</summary>
    internal static readonly IReadOnlyList<string> DefaultMediaUrlSchemes = ["http", "https"];

    /// <summary>Creates a definition.</summary>
    /// <param name="name">The provider name stored in <c>PhoneConfig.Provider</c>: a letter, then letters, digits, <c>-</c> or <c>_</c>, at most 50.</param>
    /// <param name="settings">The settings a config of this provider may hold.</param>
    /// <param name="credentials">The credential values the provider reads.</param>
    /// <param name="rules">Checks across settings (for example "a from number or a messaging service"), run after each setting is valid on its own.</param>
    public ProviderDefinition(
        string name,
        IEnumerable<ProviderSetting>? settings = null,
        IEnumerable<ProviderCredentialField>? credentials = null,
        Action<ProviderSettingsValidation>? rules = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!ProviderNames.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid provider name: a letter, then up to 49 letters, digits, '-' or '_'.", nameof(name));
        }

        Name = name.ToLowerInvariant();
        Settings = [.. settings ?? []];
        Credentials = [.. credentials ?? []];
        Rules = rules;
        _settings = new Dictionary<string, ProviderSetting>(StringComparer.Ordinal);
        foreach (var setting in Settings)
        {
            if (!_settings.TryAdd(setting.Name, setting))
            {
                throw new ArgumentException($"The setting '{setting.Name}' is declared twice.", nameof(settings));
            }
        }

        _credentialsByName = new Dictionary<string, ProviderCredentialField>(StringComparer.Ordinal);
        foreach (var field in Credentials)
        {
            foreach (var key in field.Aliases.Prepend(field.Name))
            {
                if (!_credentialsByName.TryAdd(key, field))
                {
                    throw new ArgumentException($"The credential name '{key}' is declared twice.", nameof(credentials));
                }
            }

            if (field.StoredAsSetting is { } setting && !_settings.ContainsKey(setting))
            {
                throw new ArgumentException($"The credential '{field.Name}' is stored as setting '{setting}', which is not declared.", nameof(credentials));
            }
        }
    }

    /// <summary>The provider name, lower case.</summary>
    public string Name { get; }

    /// <summary>The settings a config of this provider may hold.</summary>
    public IReadOnlyList<ProviderSetting> Settings { get; }

    /// <summary>The credential values the provider reads.</summary>
    public IReadOnlyList<ProviderCredentialField> Credentials { get; }

    /// <summary>Cross-setting checks.</summary>
    public Action<ProviderSettingsValidation>? Rules { get; }

    /// <summary>
    /// The provider's error codes that mean "the recipient opted out" (Twilio <c>21610</c>, SNS <c>OptedOut</c>): a send
    /// refused with one, or a status report carrying one, adds the recipient to the group's opt-out list.
    /// </summary>
    public IReadOnlySet<string> OptOutErrorCodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The URL schemes (lower case) the provider takes media from, checked on every send before the message is stored.
    /// Default <c>http</c> and <c>https</c>; a provider that fetches media from elsewhere declares its own (AWS End User
    /// Messaging takes <c>s3</c> only).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or holds something that is not a URL scheme.</exception>
    public IReadOnlyList<string> MediaUrlSchemes
    {
        get => _mediaUrlSchemes;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Count == 0 || value.Any(scheme => !Uri.CheckSchemeName(scheme)))
            {
                throw new ArgumentException("Media URL schemes must be one or more URL schemes such as 'https'.", nameof(MediaUrlSchemes));
            }

            _mediaUrlSchemes = [.. value.Select(scheme => scheme.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The senders other than phone numbers that a message may name as its <c>From</c>, checked before the message is
    /// stored. When <see langword="null"/> (the default), an alphanumeric sender ID (1 to 11 letters, digits or spaces) or a
    /// Twilio Messaging Service SID is accepted.
    /// </summary>
    public Regex? SenderPattern { get; init; }

    /// <summary>What <see cref="SenderPattern"/> means, for the error message (for example "a sender ID or pool ID").</summary>
    public string? SenderPatternDescription { get; init; }

    /// <summary>The declared setting named <paramref name="name"/>, or <see langword="null"/>.</summary>
    /// <param name="name">The setting name.</param>
    /// <returns>The setting.</returns>
    public ProviderSetting? FindSetting(string name) => _settings.GetValueOrDefault(name);

    /// <summary>The credential field a name (or one of its aliases) stands for, or <see langword="null"/>.</summary>
    /// <param name="name">A credential name as a caller sent it.</param>
    /// <returns>The field.</returns>
    public ProviderCredentialField? FindCredential(string name) => _credentialsByName.GetValueOrDefault(name);

    /// <summary>The identities validated settings claim (for example the from number and the account id).</summary>
    /// <param name="settings">Settings as stored (validated and normalized).</param>
    /// <returns>The identities, without duplicates, ordered by kind and value.</returns>
    public IReadOnlyList<ProviderIdentity> IdentitiesOf(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var identities = new List<ProviderIdentity>();
        foreach (var setting in Settings)
        {
            if (setting.IdentityKind is not { } kind || !settings.TryGetValue(setting.Name, out var value) || value.Length == 0)
            {
                continue;
            }

            foreach (var item in setting.Kind == ProviderSettingKind.List ? ProviderSetting.SplitList(value) : [value])
            {
                var identity = new ProviderIdentity(kind, item);
                if (!identities.Contains(identity))
                {
                    identities.Add(identity);
                }
            }
        }

        identities.Sort(ProviderIdentity.Compare);
        return identities;
    }

    /// <summary>The sender a message records when its request names none: the first sender setting that is set.</summary>
    /// <param name="settings">Settings as stored.</param>
    /// <returns>The sender, or <see langword="null"/>.</returns>
    public string? DefaultSender(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var setting in Settings)
        {
            if (setting.IsSender && settings.TryGetValue(setting.Name, out var value) && value.Length > 0)
            {
                return value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"ProviderDefinition {{ {Name} }}";
}

/// <summary>One setting of a provider's configs.</summary>
/// <param name="Name">The setting name (snake_case, as in the REST API), for example <c>from_number</c>.</param>
/// <param name="Kind">How the value is checked and normalized.</param>
/// <param name="Description">What it is, for people (shown in the API description).</param>
public sealed record ProviderSetting(string Name, ProviderSettingKind Kind, string Description)
{
    /// <summary>When set, the value (each item, for lists) is an identity of this kind: exclusive among active configs.</summary>
    public string? IdentityKind { get; init; }

    /// <summary>Whether the value is a sender (a number, sender id or service) that messages record as their <c>From</c>.</summary>
    public bool IsSender { get; init; }

    /// <summary>For <see cref="ProviderSettingKind.Text"/> and list items: the pattern the value must match.</summary>
    public Regex? Pattern { get; init; }

    /// <summary>What <see cref="Pattern"/> means, for the error message (for example "MG followed by 32 hexadecimal characters").</summary>
    public string? PatternDescription { get; init; }

    /// <summary>For <see cref="ProviderSettingKind.Choice"/>: the allowed values (compared case-insensitively, stored as declared).</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>For <see cref="ProviderSettingKind.WholeNumber"/> and <see cref="ProviderSettingKind.Number"/>: the smallest value.</summary>
    public decimal? Minimum { get; init; }

    /// <summary>For <see cref="ProviderSettingKind.WholeNumber"/> and <see cref="ProviderSettingKind.Number"/>: the largest value.</summary>
    public decimal? Maximum { get; init; }

    /// <summary>The longest value accepted, in characters. Default 200.</summary>
    public int MaxLength { get; init; } = 200;

    /// <summary>Splits a list value: items separated by commas or white space, empty items dropped.</summary>
    /// <param name="value">The stored value.</param>
    /// <returns>The items.</returns>
    public static IReadOnlyList<string> SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split([',', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>How a <see cref="ProviderSetting"/> is checked and normalized.</summary>
public enum ProviderSettingKind
{
    /// <summary>Free text, trimmed; checked against <see cref="ProviderSetting.Pattern"/> when one is given.</summary>
    Text,

    /// <summary>A phone number, stored in E.164.</summary>
    PhoneNumber,

    /// <summary>One of <see cref="ProviderSetting.Choices"/>.</summary>
    Choice,

    /// <summary>A whole number, stored in invariant culture.</summary>
    WholeNumber,

    /// <summary>A decimal number, stored in invariant culture.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Several text items separated by commas, each checked against <see cref="ProviderSetting.Pattern"/>; stored comma-separated.</summary>
    List,
}

/// <summary>One credential value a provider reads.</summary>
/// <param name="Name">The canonical name, for example <c>auth_token</c>.</param>
/// <param name="Description">What it is, for people.</param>
public sealed record ProviderCredentialField(string Name, string Description)
{
    /// <summary>Other names accepted for it (for example the seed's <c>twilio_auth_token</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>
    /// When set, the value is not a secret and is kept in clear as this setting instead of in the encrypted credentials
    /// (for example the Twilio account SID, which is also the account's identity).
    /// </summary>
    public string? StoredAsSetting { get; init; }

    /// <summary>The pattern the value must match, if any.</summary>
    public Regex? Pattern { get; init; }

    /// <summary>What <see cref="Pattern"/> means, for the error message.</summary>
    public string? PatternDescription { get; init; }
}

/// <summary>What a cross-setting rule of a <see cref="ProviderDefinition"/> sees, and where it reports errors.</summary>
public sealed class ProviderSettingsValidation
{
    private readonly Action<string, string> _error;

    internal ProviderSettingsValidation(IReadOnlyDictionary<string, string> settings, bool sends, Action<string, string> error)
    {
        Settings = settings;
        Sends = sends;
        _error = error;
    }

    /// <summary>The settings, each already valid and normalized on its own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Whether the config will send through the provider (active and not in test mode): sender settings are then required.</summary>
    public bool Sends { get; }

    /// <summary>Whether <paramref name="name"/> is set.</summary>
    /// <param name="name">The setting name.</param>
    /// <returns><see langword="true"/> when it has a value.</returns>
    public bool Has(string name) => Settings.TryGetValue(name, out var value) && value.Length > 0;

    /// <summary>Reports an error on a setting.</summary>
    /// <param name="setting">The setting name.</param>
    /// <param name="message">What is wrong.</param>
    public void AddError(string setting, string message) => _error(setting, message);
}

/// <summary>The rule for provider names, shared by definitions and config validation.</summary>
internal static partial class ProviderNames
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_-]{0,49}$")]
    private static partial Regex Pattern();
}
