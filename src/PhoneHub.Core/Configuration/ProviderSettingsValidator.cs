using System.Globalization;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;

namespace PhoneHub.Configuration;

/// <summary>
/// Checks and normalizes a config's settings and credentials against its provider's <see cref="ProviderDefinition"/>:
/// unknown names are errors (a misspelt setting would otherwise be silently ignored and break sending later), values are
/// checked by kind and stored in one canonical form (E.164 numbers, invariant numbers, declared choice spelling).
/// </summary>
internal sealed class ProviderSettingsValidator(PhoneNormalizer normalizer)
{
    /// <summary>Field names in errors are <c>settings.&lt;name&gt;</c>, as the REST body nests them.</summary>
    public const string SettingsField = "settings";

    /// <summary>Field names in credential errors are <c>credentials.&lt;name&gt;</c>.</summary>
    public const string CredentialsField = "credentials";

    public IReadOnlyDictionary<string, string> ValidateSettings(
        ProviderDefinition definition,
        IReadOnlyDictionary<string, string>? settings,
        bool sends,
        string region,
        Action<string, string> error)
    {
        var normalized = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, raw) in settings ?? new Dictionary<string, string>())
        {
            var field = $"{SettingsField}.{name}";
            if (definition.FindSetting(name) is not { } setting)
            {
                error(field, $"'{name}' is not a setting of provider '{definition.Name}'. Its settings are: {Names(definition)}.");
                continue;
            }

            var value = raw?.Trim() ?? "";
            if (value.Length == 0)
            {
                continue; // An empty value clears the setting.
            }

            if (value.Length > setting.MaxLength)
            {
                error(field, $"'{name}' must be at most {setting.MaxLength} characters.");
                continue;
            }

            if (Normalize(setting, value, region) is { } canonical)
            {
                normalized[name] = canonical;
            }
            else
            {
                error(field, Describe(setting));
            }
        }

        if (definition.Rules is { } rules)
        {
            rules(new ProviderSettingsValidation(normalized, sends, (name, message) => error($"{SettingsField}.{name}", message)));
        }

        return normalized;
    }

    /// <summary>
    /// Maps credential names (aliases included) onto the provider's canonical names and checks them. Values the provider
    /// keeps in clear (<see cref="ProviderCredentialField.StoredAsSetting"/>) come back separately, to be stored as settings.
    /// </summary>
    public static (ProviderCredentials Secrets, IReadOnlyDictionary<string, string> Settings) ValidateCredentials(
        ProviderDefinition definition,
        ProviderCredentials credentials,
        Action<string, string> error)
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in credentials.Names)
        {
            var value = credentials.Get(name)!;
            var field = $"{CredentialsField}.{name}";
            if (definition.FindCredential(name) is not { } credential)
            {
                error(field, definition.Credentials.Count == 0
                    ? $"Provider '{definition.Name}' takes no credentials."
                    : $"'{name}' is not a credential of provider '{definition.Name}'. Its credentials are: {string.Join(", ", definition.Credentials.Select(c => c.Name))}.");
                continue;
            }

            if (credential.Pattern is { } pattern && !pattern.IsMatch(value))
            {
                error(field, $"'{name}' must be {credential.PatternDescription ?? "of the provider's form"}.");
                continue;
            }

            var target = credential.StoredAsSetting is null ? secrets : settings;
            var key = credential.StoredAsSetting ?? credential.Name;
            if (target.TryGetValue(key, out var earlier) && !string.Equals(earlier, value, StringComparison.Ordinal))
            {
                error(field, $"'{name}' is given twice (under two of its names) with different values.");
                continue;
            }

            target[key] = value;
        }

        return (new ProviderCredentials(secrets.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))), settings);
    }

    private string? Normalize(ProviderSetting setting, string value, string region)
    {
        switch (setting.Kind)
        {
            case ProviderSettingKind.PhoneNumber:
                return normalizer.TryNormalize(value, out var e164, region) ? e164 : null;
            case ProviderSettingKind.Choice:
                return setting.Choices?.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase));
            case ProviderSettingKind.WholeNumber:
                return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && InRange(setting, integer)
                    ? integer.ToString(CultureInfo.InvariantCulture)
                    : null;
            case ProviderSettingKind.Number:
                return decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && InRange(setting, number)
                    ? number.ToString(CultureInfo.InvariantCulture)
                    : null;
            case ProviderSettingKind.Boolean:
                return bool.TryParse(value, out var flag) ? (flag ? "true" : "false") : null;
            case ProviderSettingKind.List:
                var items = ProviderSetting.SplitList(value);
                return items.Count > 0 && items.All(item => setting.Pattern is null || setting.Pattern.IsMatch(item))
                    ? string.Join(',', items.Distinct(StringComparer.Ordinal))
                    : null;
            default:
                return setting.Pattern is null || setting.Pattern.IsMatch(value) ? value : null;
        }
    }

    private static bool InRange(ProviderSetting setting, decimal value) =>
        (setting.Minimum is not { } min || value >= min) && (setting.Maximum is not { } max || value <= max);

    private static string Describe(ProviderSetting setting) => setting.Kind switch
    {
        ProviderSettingKind.PhoneNumber => $"'{setting.Name}' must be a valid phone number.",
        ProviderSettingKind.Choice => $"'{setting.Name}' must be one of: {string.Join(", ", setting.Choices ?? [])}.",
        ProviderSettingKind.WholeNumber or ProviderSettingKind.Number => $"'{setting.Name}' must be a number{Range(setting)}.",
        ProviderSettingKind.Boolean => $"'{setting.Name}' must be true or false.",
        ProviderSettingKind.List => $"'{setting.Name}' must be a comma-separated list of {setting.PatternDescription ?? "values"}.",
        _ => $"'{setting.Name}' must be {setting.PatternDescription ?? "valid"}.",
    };

    private static string Range(ProviderSetting setting) => (setting.Minimum, setting.Maximum) switch
    {
        ({ } min, { } max) => $" from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}",
        ({ } min, null) => $" of at least {min.ToString(CultureInfo.InvariantCulture)}",
        (null, { } max) => $" of at most {max.ToString(CultureInfo.InvariantCulture)}",
        _ => "",
    };

    private static string Names(ProviderDefinition definition) =>
        definition.Settings.Count == 0 ? "(none)" : string.Join(", ", definition.Settings.Select(s => s.Name));
}
