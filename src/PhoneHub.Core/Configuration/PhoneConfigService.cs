using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Messaging;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.Configuration;

/// <summary>The default <see cref="IPhoneConfigService"/>.</summary>
internal sealed partial class PhoneConfigService(
    IPhoneConfigStore store,
    ICredentialProtector protector,
    ProviderRegistry providers,
    PhoneNormalizer normalizer,
    IOptions<PhoneHubOptions> options,
    TimeProvider time,
    ILogger<PhoneConfigService> logger) : IPhoneConfigService
{
    public async Task<PhoneConfig> CreateAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var valid = Validate(config) with { Id = 0, Created = now, Modified = now };
        return await store.InsertAsync(valid, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PhoneConfig?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        var valid = Validate(config) with { Modified = time.GetUtcNow() };
        return await store.UpdateAsync(valid, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default) => store.DeleteAsync(id, cancellationToken);

    public Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<PhoneConfig>> ListAsync(PhoneConfigQuery query, CancellationToken cancellationToken = default) =>
        store.ListAsync(query, cancellationToken);

    public async Task<bool> SetCredentialsAsync(long id, ProviderCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.IsEmpty)
        {
            throw new PhoneHubValidationException("credentials", "At least one credential value is required.");
        }

        // Encrypt before touching the store, so a missing key fails without side effects.
        var ciphertext = protector.Protect(credentials, id);
        var found = await store.SetCredentialsAsync(id, ciphertext, cancellationToken).ConfigureAwait(false);
        if (found)
        {
            Log.CredentialsStored(logger, id);
        }

        return found;
    }

    public async Task<PhoneConfig> ResolveAsync(string? group, CancellationToken cancellationToken = default) =>
        await TryResolveAsync(group, cancellationToken).ConfigureAwait(false) ?? throw new PhoneConfigNotFoundException(group);

    public async Task<PhoneConfig?> TryResolveAsync(string? group, CancellationToken cancellationToken = default)
    {
        if (group is not null)
        {
            var own = await store.FindActiveAsync(group, cancellationToken).ConfigureAwait(false);
            if (own is not null)
            {
                return own;
            }
        }

        return await store.FindActiveAsync(null, cancellationToken).ConfigureAwait(false);
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
        catch (ProviderNotRegisteredException ex)
        {
            result = ConnectionTestResult.Fail(ConnectionErrorCodes.ProviderNotRegistered, ex.Message);
        }
        catch (CredentialsUnavailableException ex)
        {
            result = ConnectionTestResult.Fail(ConnectionErrorCodes.InvalidConfig, ex.Message);
        }

        if (!result.Success)
        {
            Log.ConnectionTestFailed(logger, id, config.Provider, result.ErrorCode ?? "unknown");
        }

        return result;
    }

    private PhoneConfig Validate(PhoneConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field, []), message];

        if (string.IsNullOrWhiteSpace(config.Name))
        {
            Error("name", "A name is required.");
        }
        else if (config.Name.Length > 200)
        {
            Error("name", "The name must be at most 200 characters.");
        }

        if (config.Group is { } group && (group.Length == 0 || group.Length > 200))
        {
            Error("group", "The group must be 1 to 200 characters, or null for the system default.");
        }

        if (string.IsNullOrWhiteSpace(config.Provider) || !ProviderName().IsMatch(config.Provider))
        {
            Error("provider", "The provider must be a provider name such as 'twilio' or 'aws'.");
        }

        if (config.LookupCacheDays is < 0 or > 3650)
        {
            Error("lookup_cache_days", "The lookup cache must be 0 to 3650 days.");
        }

        string? Number(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (normalizer.TryNormalize(value, out var e164, options.Value.DefaultRegion))
            {
                return e164;
            }

            Error(field, $"'{value}' is not a valid phone number.");
            return value;
        }

        var from = Number("twilio_from_number", config.TwilioFromNumber);
        var origination = Number("aws_origination_number", config.AwsOriginationNumber);

        if (config.TwilioMessagingServiceSid is { Length: > 0 } mg && !SenderIds.MessagingServiceSid().IsMatch(mg))
        {
            Error("twilio_messaging_service_sid", "A messaging service SID is 'MG' followed by 32 hexadecimal characters.");
        }

        if (config.AwsRegion is { Length: > 0 } region && !AwsRegion().IsMatch(region))
        {
            Error("aws_region", "The AWS region must look like 'us-east-1'.");
        }

        if (config.AwsSenderId is { Length: > 0 } sender && !SenderIds.SnsSenderId().IsMatch(sender))
        {
            Error("aws_sender_id", "A sender ID is 1 to 11 letters and digits, with at least one letter.");
        }

        if (!config.TestMode && config.IsActive)
        {
            if (string.Equals(config.Provider, PhoneProviders.Twilio, StringComparison.OrdinalIgnoreCase)
                && from is null && string.IsNullOrEmpty(config.TwilioMessagingServiceSid))
            {
                Error("twilio_from_number", "A Twilio config needs a from number or a messaging service SID.");
            }

            if (string.Equals(config.Provider, PhoneProviders.Aws, StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(config.AwsRegion))
            {
                Error("aws_region", "An AWS config needs a region.");
            }
        }

        if (errors.Count > 0)
        {
            throw new PhoneHubValidationException(errors);
        }

        return config with
        {
            Name = config.Name.Trim(),
            Provider = config.Provider.Trim().ToLowerInvariant(),
            TwilioFromNumber = from,
            AwsOriginationNumber = origination,
            TwilioMessagingServiceSid = string.IsNullOrWhiteSpace(config.TwilioMessagingServiceSid) ? null : config.TwilioMessagingServiceSid,
            AwsRegion = string.IsNullOrWhiteSpace(config.AwsRegion) ? null : config.AwsRegion,
            AwsSenderId = string.IsNullOrWhiteSpace(config.AwsSenderId) ? null : config.AwsSenderId,
        };
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_-]{0,49}$")]
    private static partial Regex ProviderName();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex AwsRegion();
}
