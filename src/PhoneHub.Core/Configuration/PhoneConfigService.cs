using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.Configuration;

/// <summary>The default <see cref="IPhoneConfigService"/>.</summary>
internal sealed class PhoneConfigService(
    IPhoneConfigStore store,
    ICredentialProtector protector,
    ProviderRegistry providers,
    ProviderSettingsValidator settingsValidator,
    PhoneNormalizer normalizer,
    ConfigResolutionCache resolutions,
    IOptions<PhoneHubOptions> options,
    TimeProvider time,
    ILogger<PhoneConfigService> logger) : IPhoneConfigService
{
    /// <summary>How many fallbacks a chain may have.</summary>
    internal const int MaxFallbacks = 3;

    public IReadOnlyList<ProviderDefinition> Providers => providers.Definitions;

    public bool CredentialsAvailable => protector.IsAvailable;

    public async Task<PhoneConfigWriteResult> CreateAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var valid = Validate(config) with { Id = 0, Created = now, Modified = now, HasCredentials = false };
        await ValidateFallbackAsync(valid, cancellationToken).ConfigureAwait(false);
        var result = await store.InsertAsync(valid, cancellationToken).ConfigureAwait(false);
        await WrittenAsync(result, "created").ConfigureAwait(false);
        return result;
    }

    public async Task<PhoneConfigWriteResult?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        var valid = Validate(config) with { Modified = time.GetUtcNow() };
        await ValidateFallbackAsync(valid, cancellationToken).ConfigureAwait(false);
        var result = await store.UpdateAsync(valid, cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            await WrittenAsync(result, "updated").ConfigureAwait(false);
        }

        return result;
    }

    public async Task<PhoneConfigWriteResult?> ActivateAsync(long id, CancellationToken cancellationToken = default)
    {
        var config = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return config is null ? null : await UpdateAsync(config with { IsActive = true }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        var deleted = await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        if (deleted)
        {
            await resolutions.InvalidateAsync().ConfigureAwait(false);
            Log.ConfigWritten(logger, id, "deleted");
        }

        return deleted;
    }

    public Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<PhoneConfig>> ListAsync(PhoneConfigQuery query, CancellationToken cancellationToken = default) =>
        store.ListAsync(query, cancellationToken);

    public async Task<bool> SetCredentialsAsync(long id, ProviderCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.IsEmpty)
        {
            throw new PhoneHubValidationException(ProviderSettingsValidator.CredentialsField, "At least one credential value is required.");
        }

        var config = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return false;
        }

        var definition = providers.FindDefinition(config.Provider)
            ?? throw new PhoneHubValidationException("provider", $"The config's provider '{config.Provider}' is not registered, so its credentials cannot be checked.");
        var errors = new Errors();
        var (secrets, clearSettings) = ProviderSettingsValidator.ValidateCredentials(definition, credentials, errors.Add);
        errors.ThrowIfAny();

        // Encrypt before touching the store, so a missing key fails without side effects.
        var ciphertext = secrets.IsEmpty ? null : protector.Protect(secrets, id);

        // Values kept in clear (the account id) become settings first: they may claim an identity, and a conflict must
        // leave the stored credentials as they were.
        if (clearSettings.Count > 0)
        {
            var merged = new Dictionary<string, string>(config.Settings, StringComparer.Ordinal);
            foreach (var (name, value) in clearSettings)
            {
                merged[name] = value;
            }

            if (await UpdateAsync(config with { Settings = merged }, cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        if (ciphertext is null)
        {
            return true;
        }

        var found = await store.SetCredentialsAsync(id, ciphertext, cancellationToken).ConfigureAwait(false);
        if (found)
        {
            await resolutions.InvalidateAsync().ConfigureAwait(false);
            Log.CredentialsStored(logger, id);
        }

        return found;
    }

    public async Task<PhoneConfig> ResolveAsync(string? group, CancellationToken cancellationToken = default) =>
        await TryResolveAsync(group, cancellationToken).ConfigureAwait(false) ?? throw new PhoneConfigNotFoundException(group);

    public Task<PhoneConfig?> TryResolveAsync(string? group, CancellationToken cancellationToken = default) =>
        resolutions.GetAsync(group is null ? "default" : "group:" + group, (store, group), static async (s, ct) =>
        {
            if (s.group is not null && await s.store.FindActiveAsync(s.group, ct).ConfigureAwait(false) is { } own)
            {
                return own;
            }

            return await s.store.FindActiveAsync(null, ct).ConfigureAwait(false);
        }, cacheMissing: true, cancellationToken);

    public Task<PhoneConfig?> FindByIdentityAsync(string kind, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        if (string.IsNullOrWhiteSpace(value) || value.Length > 2048)
        {
            return Task.FromResult<PhoneConfig?>(null);
        }

        if (kind == ProviderIdentityKinds.PhoneNumber)
        {
            if (!normalizer.TryNormalize(value, out var e164, options.Value.DefaultRegion))
            {
                return Task.FromResult<PhoneConfig?>(null);
            }

            value = e164;
        }

        var identity = new ProviderIdentity(kind, value);
        return resolutions.GetAsync("identity:" + identity, (store, identity), static (s, ct) => s.store.FindByIdentityAsync(s.identity, ct), cacheMissing: false, cancellationToken);
    }

    public async Task<ProviderContext> GetProviderContextAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.HasCredentials)
        {
            return new ProviderContext(config, null);
        }

        var ciphertext = await store.GetCredentialsAsync(config.Id, cancellationToken).ConfigureAwait(false);
        return new ProviderContext(config, ciphertext is null ? null : protector.Unprotect(ciphertext, config.Id));
    }

    public async Task<ConnectionTestResult?> TestConnectionAsync(long id, CancellationToken cancellationToken = default)
    {
        var config = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return null;
        }

        if (config.TestMode)
        {
            return ConnectionTestResult.Ok("Test mode: no provider is called.");
        }

        ConnectionTestResult result;
        try
        {
            var provider = providers.GetSender(config);
            var context = await GetProviderContextAsync(config, cancellationToken).ConfigureAwait(false);
            result = await provider.TestConnectionAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderNotRegisteredException)
        {
            result = ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderNotRegistered, $"The provider '{config.Provider}' is not available in this host.");
        }
        catch (CredentialsUnavailableException)
        {
            // The exception names the host's settings; the caller only learns that the credentials cannot be read.
            result = ConnectionTestResult.Fail(ConnectionErrorCodes.CredentialsUnavailable, "The config's credentials cannot be read by this host.");
        }

        if (!result.Success)
        {
            Log.ConnectionTestFailed(logger, id, config.Provider, result.ErrorCode ?? "unknown");
        }

        return result;
    }

    private async Task WrittenAsync(PhoneConfigWriteResult result, string change)
    {
        await resolutions.InvalidateAsync().ConfigureAwait(false);
        Log.ConfigWritten(logger, result.Config.Id, change);
        foreach (var other in result.DeactivatedConfigIds)
        {
            Log.ConfigDeactivated(logger, other, result.Config.Id);
        }
    }

    // A fallback is a config of the same group, and the chain it starts ends (no loops), at most MaxFallbacks deep.
    private async Task ValidateFallbackAsync(PhoneConfig config, CancellationToken cancellationToken)
    {
        var seen = new HashSet<long> { config.Id };
        var next = config.FallbackConfigId;
        for (var depth = 0; next is { } id; depth++)
        {
            if (!seen.Add(id) || depth >= MaxFallbacks)
            {
                throw new PhoneHubValidationException("fallback_config_id", $"The fallback chain loops or is longer than {MaxFallbacks} configs.");
            }

            var fallback = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (fallback is null || !string.Equals(fallback.Group, config.Group, StringComparison.Ordinal))
            {
                throw new PhoneHubValidationException("fallback_config_id", "The fallback must be an existing config of the same group.");
            }

            next = fallback.FallbackConfigId;
        }
    }

    private PhoneConfig Validate(PhoneConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new Errors();

        if (string.IsNullOrWhiteSpace(config.Name))
        {
            errors.Add("name", "A name is required.");
        }
        else if (config.Name.Length > 200)
        {
            errors.Add("name", "The name must be at most 200 characters.");
        }

        if (config.Group is { } group && (group.Length == 0 || group.Length > 200))
        {
            errors.Add("group", "The group must be 1 to 200 characters, or null for the system default.");
        }

        if (config.LookupCacheDays is < 0 or > 3650)
        {
            errors.Add("lookup_cache_days", "The lookup cache must be 0 to 3650 days.");
        }

        if (config.SendRate is { } rate && (double.IsNaN(rate) || rate is <= 0 or > 10_000))
        {
            errors.Add("send_rate", "The send rate must be more than 0 and at most 10000 segments per second.");
        }

        if (config.AccountSendRate is { } accountRate && (double.IsNaN(accountRate) || accountRate is <= 0 or > 10_000))
        {
            errors.Add("account_send_rate", "The account send rate must be more than 0 and at most 10000 segments per second.");
        }

        if (config.FallbackConfigId is { } fallbackId && config.Id != 0 && fallbackId == config.Id)
        {
            errors.Add("fallback_config_id", "A config cannot be its own fallback.");
        }

        var provider = config.Provider?.Trim() ?? "";
        var definition = providers.FindDefinition(provider);
        IReadOnlyDictionary<string, string> settings = config.Settings;
        if (definition is null)
        {
            errors.Add("provider", string.IsNullOrEmpty(provider)
                ? "A provider is required."
                : $"'{provider}' is not a registered provider. Registered: {string.Join(", ", providers.Definitions.Select(d => d.Name))}.");
        }
        else
        {
            var sends = config.IsActive && !config.TestMode;
            settings = settingsValidator.ValidateSettings(definition, config.Settings, sends, options.Value.DefaultRegion, errors.Add);
        }

        errors.ThrowIfAny();
        return config with
        {
            Name = config.Name.Trim(),
            Provider = definition!.Name,
            Settings = settings,
            Identities = definition.IdentitiesOf(settings),
        };
    }

    /// <summary>Collects field errors the way <see cref="PhoneHubValidationException"/> reports them.</summary>
    private sealed class Errors
    {
        private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message) => _errors[field] = [.. _errors.GetValueOrDefault(field, []), message];

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw new PhoneHubValidationException(_errors);
            }
        }
    }
}
