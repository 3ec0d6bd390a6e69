using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Normalization;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The auth tokens a Twilio webhook may be signed with, and the configs they belong to.</summary>
/// <param name="Tokens">The candidate auth tokens; empty when no config matches.</param>
/// <param name="ConfigIds">The configs the tokens came from.</param>
internal sealed record TwilioTenant(IReadOnlyList<string> Tokens, IReadOnlySet<long> ConfigIds)
{
    public static readonly TwilioTenant None = new([], new HashSet<long>());
}

/// <summary>
/// Finds the tenant a Twilio webhook claims to come from and that tenant's auth tokens, never one global token:
/// inbound messages by the config that owns the receiving (<c>To</c>) number, status callbacks by the configs whose
/// decrypted account SID equals the request's <c>AccountSid</c>. Several configs of one account (for example a new
/// config prepared while rotating the auth token) contribute all their tokens.
/// </summary>
/// <remarks>
/// Results, including "no match", are kept briefly in a small private cache (not the host's <c>IMemoryCache</c>, which
/// other code can read and which may enforce entry sizes), so a burst of webhooks does not decrypt credentials each time.
/// </remarks>
internal sealed class TwilioWebhookCredentials(
    IPhoneConfigStore store,
    IPhoneConfigService configs,
    PhoneNormalizer normalizer,
    IOptions<PhoneHubOptions> hubOptions,
    IOptions<PhoneHubWebhookOptions> webhookOptions,
    TimeProvider time,
    ILogger<TwilioWebhookCredentials> logger)
{
    private const int MaxCachedEntries = 1024;
    private static readonly TimeSpan NegativeCacheDuration = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, TwilioTenant Tenant)> _cache = new(StringComparer.Ordinal);

    /// <summary>The tenant that owns <paramref name="to"/>, the number that received an inbound message.</summary>
    public Task<TwilioTenant> ForReceivingNumberAsync(string? to, CancellationToken cancellationToken)
    {
        if (!normalizer.TryNormalize(to, out var e164, hubOptions.Value.DefaultRegion))
        {
            return Task.FromResult(TwilioTenant.None);
        }

        return CachedAsync("to:" + e164, async ct =>
        {
            var owner = await store.FindByOwnNumberAsync(e164, ct).ConfigureAwait(false);
            if (owner is null || !IsTwilio(owner))
            {
                return TwilioTenant.None;
            }

            var ownerCredentials = await CredentialsAsync(owner, ct).ConfigureAwait(false);
            var accountSid = ownerCredentials?.Get(ProviderCredentials.TwilioAccountSid);
            var candidates = new List<(PhoneConfig, ProviderCredentials?)> { (owner, ownerCredentials) };
            if (!string.IsNullOrEmpty(accountSid))
            {
                // Other configs of the same group and the same account: their tokens are the same account's (rotation).
                var siblings = await store.ListAsync(new PhoneConfigQuery { Group = owner.Group, Provider = PhoneProviders.Twilio }, ct).ConfigureAwait(false);
                foreach (var sibling in siblings.Where(c => c.Id != owner.Id && c.HasCredentials))
                {
                    var credentials = await CredentialsAsync(sibling, ct).ConfigureAwait(false);
                    if (string.Equals(credentials?.Get(ProviderCredentials.TwilioAccountSid), accountSid, StringComparison.Ordinal))
                    {
                        candidates.Add((sibling, credentials));
                    }
                }
            }

            return Tenant(candidates);
        }, cancellationToken);
    }

    /// <summary>The tenant whose Twilio account is <paramref name="accountSid"/>.</summary>
    public Task<TwilioTenant> ForAccountAsync(string? accountSid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(accountSid) || accountSid.Length > 64)
        {
            return Task.FromResult(TwilioTenant.None);
        }

        return CachedAsync("sid:" + accountSid, async ct =>
        {
            // Inactive configs count too: a status report can arrive after the config that sent the message was replaced.
            var all = await store.ListAsync(new PhoneConfigQuery { AllGroups = true, Provider = PhoneProviders.Twilio }, ct).ConfigureAwait(false);
            var candidates = new List<(PhoneConfig, ProviderCredentials?)>();
            foreach (var config in all.Where(c => c.HasCredentials))
            {
                var credentials = await CredentialsAsync(config, ct).ConfigureAwait(false);
                if (string.Equals(credentials?.Get(ProviderCredentials.TwilioAccountSid), accountSid, StringComparison.Ordinal))
                {
                    candidates.Add((config, credentials));
                }
            }

            return Tenant(candidates);
        }, cancellationToken);
    }

    private static bool IsTwilio(PhoneConfig config) => string.Equals(config.Provider, PhoneProviders.Twilio, StringComparison.OrdinalIgnoreCase);

    private static TwilioTenant Tenant(List<(PhoneConfig Config, ProviderCredentials? Credentials)> candidates)
    {
        var tokens = new List<string>();
        var ids = new HashSet<long>();
        foreach (var (config, credentials) in candidates)
        {
            if (credentials?.Get(ProviderCredentials.TwilioAuthToken) is { Length: > 0 } token)
            {
                tokens.Add(token);
                ids.Add(config.Id);
            }
        }

        return tokens.Count == 0 ? TwilioTenant.None : new TwilioTenant(tokens.Distinct(StringComparer.Ordinal).ToList(), ids);
    }

    private async Task<ProviderCredentials?> CredentialsAsync(PhoneConfig config, CancellationToken cancellationToken)
    {
        if (!config.HasCredentials)
        {
            return null;
        }

        try
        {
            return (await configs.GetProviderContextAsync(config, cancellationToken).ConfigureAwait(false)).Credentials;
        }
        catch (PhoneHubException ex)
        {
            // A missing or wrong encryption key: this config cannot vouch for the request; others still may.
            WebhookLog.CredentialsUnreadable(logger, ex, config.Id);
            return null;
        }
    }

    private async Task<TwilioTenant> CachedAsync(string key, Func<CancellationToken, Task<TwilioTenant>> load, CancellationToken cancellationToken)
    {
        var duration = webhookOptions.Value.TwilioCredentialCacheDuration;
        var now = time.GetUtcNow();
        if (duration > TimeSpan.Zero && _cache.TryGetValue(key, out var entry) && entry.Expires > now)
        {
            return entry.Tenant;
        }

        var tenant = await load(cancellationToken).ConfigureAwait(false);
        if (duration > TimeSpan.Zero)
        {
            if (_cache.Count >= MaxCachedEntries)
            {
                // Bounded: a flood of made-up numbers or SIDs must not grow memory; dropping everything is rare and cheap.
                _cache.Clear();
            }

            // "No match" is kept only briefly, so a config created moments ago is not refused for the whole duration.
            var keep = tenant.Tokens.Count == 0 && duration > NegativeCacheDuration ? NegativeCacheDuration : duration;
            _cache[key] = (now + keep, tenant);
        }

        return tenant;
    }
}
