using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>How the tenant of a Twilio webhook was found.</summary>
internal enum TwilioTenantOutcome
{
    /// <summary>A config vouches for the request; check the signature with <see cref="TwilioTenant.Tokens"/>.</summary>
    Found,

    /// <summary>No active config holds what the request names (or it names an account other than the config's).</summary>
    Unknown,

    /// <summary>The config exists but its auth token cannot be decrypted here: answer so that Twilio delivers again later.</summary>
    CredentialsUnreadable,
}

/// <summary>The config a Twilio webhook is about, and the auth tokens its signature may be made with.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Config">The config that vouches for the request.</param>
/// <param name="Tokens">Its auth token (and, for a status report, the one of the account's current config in the same group).</param>
internal sealed record TwilioTenant(TwilioTenantOutcome Outcome, PhoneConfig? Config, IReadOnlyList<string> Tokens)
{
    public static readonly TwilioTenant Unknown = new(TwilioTenantOutcome.Unknown, null, []);

    public static readonly TwilioTenant Unreadable = new(TwilioTenantOutcome.CredentialsUnreadable, null, []);
}

/// <summary>
/// Finds the one tenant a Twilio webhook is about, by indexed identities only (never by listing or decrypting other
/// configs): an inbound message by its <c>To</c> number, else its <c>MessagingServiceSid</c>, else its <c>AccountSid</c>;
/// a status report by the message it reports on (the config that sent it), else by its <c>AccountSid</c>. The request
/// must name the config's own account, and is trusted only with that config's auth token.
/// </summary>
internal sealed class TwilioWebhookTenants(
    IPhoneConfigService configs,
    ISmsService sms,
    IOptions<PhoneHubWebhookOptions> webhookOptions,
    TimeProvider time,
    ILogger<TwilioWebhookTenants> logger)
{
    private const int MaxCachedTokens = 1024;

    // Decrypted tokens by config id, kept briefly so a burst of webhooks does not decrypt once per request.
    private readonly ConcurrentDictionary<long, (DateTimeOffset Expires, string? Token)> _tokens = new();

    public async Task<TwilioTenant> ForInboundAsync(string? to, string? messagingServiceSid, string? accountSid, CancellationToken cancellationToken)
    {
        var config = await FindTwilioAsync(ProviderIdentityKinds.PhoneNumber, to, cancellationToken).ConfigureAwait(false)
            ?? await FindTwilioAsync(ProviderIdentityKinds.MessagingService, messagingServiceSid, cancellationToken).ConfigureAwait(false)
            ?? await FindTwilioAsync(ProviderIdentityKinds.Account, accountSid, cancellationToken).ConfigureAwait(false);
        if (config is null || !SameAccount(config, accountSid))
        {
            return TwilioTenant.Unknown;
        }

        return await WithTokensAsync(config, await SiblingsAsync(config, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TwilioTenant> ForStatusAsync(string? messageSid, string? accountSid, CancellationToken cancellationToken)
    {
        // The account's current config: the only one that may vouch for a report on a message not stored (yet).
        var current = await FindTwilioAsync(ProviderIdentityKinds.Account, accountSid, cancellationToken).ConfigureAwait(false);
        var message = string.IsNullOrEmpty(messageSid) || messageSid.Length > 64
            ? null
            : await sms.FindByProviderIdAsync(PhoneProviders.Twilio, messageSid, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return current is null
                ? TwilioTenant.Unknown
                : await WithTokensAsync(current, await SiblingsAsync(current, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        // A report may move a message only when it comes from the account the message went through.
        if (message.ProviderAccount is { } account && !string.Equals(account, accountSid, StringComparison.Ordinal))
        {
            return TwilioTenant.Unknown;
        }

        var sender = message.ConfigId is { } id ? await configs.GetAsync(id, cancellationToken).ConfigureAwait(false) : null;
        if (sender is null || !IsTwilio(sender) || !SameAccount(sender, accountSid))
        {
            return current is not null && message.Group == current.Group
                ? await WithTokensAsync(current, await SiblingsAsync(current, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
                : TwilioTenant.Unknown;
        }

        return await WithTokensAsync(sender, await SiblingsAsync(sender, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The group's other Twilio configs of the same account (active or not): while an auth token is rotated, the new
    /// token may sit on another config of that account and group. Never another group's: the account is in clear on
    /// each config, so nothing outside the group is listed or decrypted.
    /// </summary>
    private async Task<IReadOnlyList<PhoneConfig>> SiblingsAsync(PhoneConfig config, CancellationToken cancellationToken)
    {
        if (config.Account is not { } account)
        {
            return [];
        }

        var group = await configs.ListAsync(new PhoneConfigQuery { Group = config.Group, Provider = PhoneProviders.Twilio }, cancellationToken).ConfigureAwait(false);
        return [.. group.Where(c => c.Id != config.Id && c.HasCredentials && c.Account == account)];
    }

    private async Task<PhoneConfig?> FindTwilioAsync(string kind, string? value, CancellationToken cancellationToken)
    {
        var config = await configs.FindByIdentityAsync(kind, value, cancellationToken).ConfigureAwait(false);
        return config is not null && IsTwilio(config) ? config : null;
    }

    private static bool IsTwilio(PhoneConfig config) => string.Equals(config.Provider, PhoneProviders.Twilio, StringComparison.Ordinal);

    // A config that knows its account accepts only requests about that account.
    private static bool SameAccount(PhoneConfig config, string? accountSid) =>
        config.Account is not { } account || string.Equals(account, accountSid, StringComparison.Ordinal);

    private async Task<TwilioTenant> WithTokensAsync(PhoneConfig config, IEnumerable<PhoneConfig> others, CancellationToken cancellationToken)
    {
        var own = await TokenAsync(config, cancellationToken).ConfigureAwait(false);
        if (own.Unreadable)
        {
            return TwilioTenant.Unreadable;
        }

        var tokens = new List<string>();
        if (own.Token is { } token)
        {
            tokens.Add(token);
        }

        foreach (var other in others)
        {
            if ((await TokenAsync(other, cancellationToken).ConfigureAwait(false)).Token is { } extra && !tokens.Contains(extra))
            {
                tokens.Add(extra);
            }
        }

        return tokens.Count == 0 ? TwilioTenant.Unknown : new TwilioTenant(TwilioTenantOutcome.Found, config, tokens);
    }

    private async Task<(string? Token, bool Unreadable)> TokenAsync(PhoneConfig config, CancellationToken cancellationToken)
    {
        if (!config.HasCredentials)
        {
            return (null, false);
        }

        var duration = webhookOptions.Value.TwilioCredentialCacheDuration;
        var now = time.GetUtcNow();
        if (duration > TimeSpan.Zero && _tokens.TryGetValue(config.Id, out var cached) && cached.Expires > now)
        {
            return (cached.Token, false);
        }

        string? token;
        try
        {
            token = (await configs.GetProviderContextAsync(config, cancellationToken).ConfigureAwait(false)).Credentials?.Get(ProviderCredentials.TwilioAuthToken);
        }
        catch (CredentialsUnavailableException ex)
        {
            // No key, or another key: the request may be genuine, so it is neither accepted nor refused for good.
            WebhookLog.CredentialsUnreadable(logger, ex, config.Id);
            return (null, true);
        }

        if (duration > TimeSpan.Zero)
        {
            if (_tokens.Count >= MaxCachedTokens)
            {
                _tokens.Clear();
            }

            _tokens[config.Id] = (now + duration, token);
        }

        return (token, false);
    }
}
