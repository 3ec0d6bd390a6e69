using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Lookup;

/// <summary>
/// The default <see cref="IPhoneLookupService"/>: memory tier, then the store, then the provider. The cache is shared by
/// every group, but what a caller gets is decided by the caller's own config (its lookup policy):
/// <list type="bullet">
/// <item>a config with lookups off (or whose provider has no lookup API) gets numbering-plan metadata only, never a paid
/// answer another group bought, and never causes a provider call;</item>
/// <item>a config in test mode gets the test provider's answer, which is never stored, so no live reader is served it;</item>
/// <item>a paying config gets a stored answer only if that answer came from its own lookup provider and is younger than
/// its own <see cref="PhoneConfig.LookupCacheDays"/>; otherwise it buys a fresh one.</item>
/// </list>
/// Concurrent lookups share one provider call only when they would buy the same thing (same number from the same
/// provider); a caller is never handed an answer older than its own window.
/// </summary>
internal sealed class PhoneLookupService : IPhoneLookupService
{
    private readonly IPhoneNumberStore _store;
    private readonly IPhoneConfigService _configs;
    private readonly ProviderRegistry _providers;
    private readonly PhoneNormalizer _normalizer;
    private readonly LookupMemoryCache _memory;
    private readonly ConfigChangeToken _configChanges;
    private readonly PhoneHubOptions _options;
    private readonly TimeProvider _time;
    private readonly PhoneHubMetrics _metrics;
    private readonly ILogger<PhoneLookupService> _logger;

    // One in-flight load per number and purchase: concurrent lookups that would buy the same answer await one task.
    private readonly ConcurrentDictionary<FlightKey, Lazy<Task<PhoneNumber>>> _inflight = new();

    // Numbers whose provider lookup just failed, per provider, with when they may be tried again.
    private readonly ConcurrentDictionary<(string E164, string Provider), (DateTimeOffset Until, PhoneLookupException Error)> _failures = new();

    // The lookup policy of each group, so a memory hit needs no config read; dropped whenever a config changes here.
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, int Version, LookupPolicy Policy)> _policies = new(StringComparer.Ordinal);

    public PhoneLookupService(
        IPhoneNumberStore store,
        IPhoneConfigService configs,
        ProviderRegistry providers,
        PhoneNormalizer normalizer,
        LookupMemoryCache memory,
        ConfigChangeToken configChanges,
        IOptions<PhoneHubOptions> options,
        TimeProvider time,
        PhoneHubMetrics metrics,
        ILogger<PhoneLookupService> logger)
    {
        _store = store;
        _configs = configs;
        _providers = providers;
        _normalizer = normalizer;
        _memory = memory;
        _configChanges = configChanges;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, CancellationToken cancellationToken = default)
    {
        var parsed = _normalizer.Parse(phoneNumber, _options.DefaultRegion);

        // Fast path, no allocation beyond the parse: the caller's policy is known and a record fresh for it is in memory.
        // Freshness is judged with our TimeProvider, never the cache's own clock.
        if (!forceRefresh && TryGetCachedPolicy(group, out var policy) && policy is { Kind: LookupPolicyKind.Provider, Provider: { } provider }
            && _memory.TryGet(parsed.E164, out var hit) && IsFreshFor(hit, provider.Name, policy.CacheDays, _time.GetUtcNow()))
        {
            if (PhoneHubTelemetry.ActivitySource.HasListeners())
            {
                // Started and stopped here, synchronously, so the caller's current activity is what it was.
                using var activity = PhoneHubTelemetry.ActivitySource.StartActivity(PhoneHubTelemetry.LookupActivity);
                Served("memory");
            }
            else
            {
                Served("memory");
            }

            return Task.FromResult(hit);
        }

        return LookupSlowAsync(parsed, forceRefresh, group, cancellationToken);
    }

    private async Task<PhoneNumber> LookupSlowAsync(ParsedPhoneNumber parsed, bool forceRefresh, string? group, CancellationToken cancellationToken)
    {
        using var activity = PhoneHubTelemetry.ActivitySource.StartActivity(PhoneHubTelemetry.LookupActivity);
        activity?.SetTag("phonehub.lookup.force_refresh", forceRefresh);
        try
        {
            var result = await LookupTieredAsync(parsed, forceRefresh, group, cancellationToken).ConfigureAwait(false);

            // A caller that joined another caller's load was answered by that load, whichever tier it reached.
            if (activity is not null && activity.GetTagItem(PhoneHubTelemetry.LookupTierTag) is null)
            {
                activity.SetTag(PhoneHubTelemetry.LookupTierTag, "shared");
            }

            return result;
        }
        catch (PhoneHubException ex)
        {
            PhoneHubTelemetry.Fail(activity, ex is PhoneLookupException lookup ? lookup.ErrorCode : ex.GetType().Name);
            throw;
        }
    }

    private async Task<PhoneNumber> LookupTieredAsync(ParsedPhoneNumber parsed, bool forceRefresh, string? group, CancellationToken cancellationToken)
    {
        var policy = await GetPolicyAsync(group, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        switch (policy.Kind)
        {
            case LookupPolicyKind.MetadataOnly:
                return await MetadataOnlyAsync(parsed, now, cancellationToken).ConfigureAwait(false);
            case LookupPolicyKind.Test:
                // Test answers are made up from metadata: never stored in the shared cache a live config reads.
                Served("test");
                return ToRecord(parsed, await policy.Provider!.LookupAsync(parsed.E164, new ProviderContext(policy.ReaderConfig!, null), cancellationToken).ConfigureAwait(false), null, 0, now) with { Created = now, Modified = now };
        }

        if (!forceRefresh && _memory.TryGet(parsed.E164, out var hit) && IsFreshFor(hit, policy.Provider!.Name, policy.CacheDays, now))
        {
            Served("memory");
            return hit;
        }

        var result = await JoinAsync(new FlightKey(parsed.E164, policy.Provider!.Name, forceRefresh), parsed, policy, cancellationToken).ConfigureAwait(false);

        // A shared load judged freshness by the policy of whoever started it. A caller whose own window is shorter
        // does not take an answer that is stale for it: it asks for a fresh one (which is then fresh for everyone).
        if (!forceRefresh && !IsFreshFor(result, policy.Provider.Name, policy.CacheDays, _time.GetUtcNow()) && result.LastLookupAt != _time.GetUtcNow())
        {
            result = await JoinAsync(new FlightKey(parsed.E164, policy.Provider.Name, Force: true), parsed, policy, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private Task<PhoneNumber> JoinAsync(FlightKey key, ParsedPhoneNumber parsed, LookupPolicy policy, CancellationToken cancellationToken)
    {
        // Keyed by what the call buys (number, provider): groups with different cache windows still share one call.
        var lazy = _inflight.GetOrAdd(key, k => new Lazy<Task<PhoneNumber>>(() => LoadAndForgetAsync(k, parsed, policy)));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    private async Task<PhoneNumber> LoadAndForgetAsync(FlightKey key, ParsedPhoneNumber parsed, LookupPolicy policy)
    {
        try
        {
            // The shared load is not tied to any one caller's token: a caller that gives up must not fail the others.
            return await LoadAsync(parsed, policy, key.Force).ConfigureAwait(false);
        }
        finally
        {
            _inflight.TryRemove(key, out _);
        }
    }

    private async Task<PhoneNumber> LoadAsync(ParsedPhoneNumber parsed, LookupPolicy policy, bool forceRefresh)
    {
        var provider = policy.Provider!;
        var now = _time.GetUtcNow();
        var stored = await _store.FindAsync(parsed.E164).ConfigureAwait(false);
        if (!forceRefresh && stored is not null && IsFreshFor(stored, provider.Name, policy.CacheDays, now))
        {
            _memory.Remember(stored, now, _options.LookupMemoryCacheDuration);
            Served("store");
            return stored;
        }

        var failureKey = (parsed.E164, provider.Name);
        if (stored is null && _failures.TryGetValue(failureKey, out var failure))
        {
            if (failure.Until > now)
            {
                throw failure.Error;
            }

            _failures.TryRemove(failureKey, out _);
        }

        PhoneLookupResult result;
        var started = Stopwatch.GetTimestamp();
        var call = PhoneHubTelemetry.ActivitySource.StartActivity(PhoneHubTelemetry.ProviderLookupActivity);
        call?.SetTag("phonehub.provider", provider.Name);
        try
        {
            var context = await _configs.GetProviderContextAsync(policy.ProviderConfig!).ConfigureAwait(false);
            result = await provider.LookupAsync(parsed.E164, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ex as PhoneLookupException ?? new PhoneLookupException("lookup_failed", $"The lookup at provider '{provider.Name}' failed.", ex);
            PhoneHubTelemetry.Fail(call, error.ErrorCode);
            if (ex is not PhoneHubException)
            {
                Log.LookupProviderCrashed(_logger, ex, provider.Name);
            }

            // A stale answer from the same provider is better than none; an answer of another kind is not what was asked.
            if (stored is not null && stored.LookupProvider == provider.Name)
            {
                Log.LookupFailedServedStale(_logger, provider.Name, error.ErrorCode);
                Tag("stale");
                return stored;
            }

            RememberFailure(failureKey, error, now);
            Log.LookupFailed(_logger, provider.Name, error.ErrorCode, _options.LookupNegativeCacheDuration);
            throw error;
        }
        finally
        {
            _metrics.LookupDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("phonehub.provider", provider.Name));
            call?.Dispose();
        }

        Served("provider");
        var saved = await _store.UpsertAsync(ToRecord(parsed, result, stored, policy.CacheDays, now)).ConfigureAwait(false);
        _failures.TryRemove(failureKey, out _);
        _memory.Remember(saved, now, _options.LookupMemoryCacheDuration);
        return saved;
    }

    /// <summary>
    /// What a caller that buys nothing gets: the stored record when it holds no provider's answer (metadata, or data an
    /// administrator entered), else a metadata-only record. Never a provider call.
    /// </summary>
    private async Task<PhoneNumber> MetadataOnlyAsync(ParsedPhoneNumber parsed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Served("metadata");
        var stored = await _store.FindAsync(parsed.E164, cancellationToken).ConfigureAwait(false);
        return stored is { LookupProvider: PhoneProviders.Local or null }
            ? stored
            : MetadataLookup.ToRecord(parsed, PhoneProviders.Local, now);
    }

    /// <summary>Counts where a lookup was answered, and says so on the caller's lookup span.</summary>
    private void Served(string tier)
    {
        _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", tier));
        Tag(tier);
    }

    // The lookup span is current, or the parent of the provider call's span while that call is being answered.
    private static void Tag(string tier)
    {
        var current = Activity.Current;
        var span = IsLookupSpan(current) ? current : IsLookupSpan(current?.Parent) ? current!.Parent : null;
        span?.SetTag(PhoneHubTelemetry.LookupTierTag, tier);
    }

    private static bool IsLookupSpan(Activity? activity) =>
        activity is not null && activity.Source == PhoneHubTelemetry.ActivitySource && activity.OperationName == PhoneHubTelemetry.LookupActivity;

    private static bool IsFreshFor(PhoneNumber record, string provider, int cacheDays, DateTimeOffset now) =>
        record.LastLookupAt is { } last
        && string.Equals(record.LookupProvider, provider, StringComparison.Ordinal)
        && last.AddDays(cacheDays) > now;

    private static PhoneNumber ToRecord(ParsedPhoneNumber parsed, PhoneLookupResult result, PhoneNumber? stored, int cacheDays, DateTimeOffset now) => new()
    {
        Id = stored?.Id ?? 0,
        E164 = parsed.E164,
        CountryCode = result.CountryCode ?? parsed.CountryCallingCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Region = result.Region ?? parsed.RegionCode,
        Carrier = result.Carrier,
        LineType = result.LineType,
        IsMobile = result.IsMobile,
        IsVoip = result.IsVoip,
        IsValid = result.IsValid,
        CallerName = result.CallerName,
        CallerType = result.CallerType,
        AddressStreet = stored?.AddressStreet,
        AddressCity = stored?.AddressCity,
        AddressState = stored?.AddressState,
        AddressPostalCode = stored?.AddressPostalCode,
        AddressCountry = stored?.AddressCountry,
        LookupProvider = result.Provider,
        LookupExpiresAt = now.AddDays(cacheDays),
        LookupCount = (stored?.LookupCount ?? 0) + 1,
        LastLookupAt = now,
        LookupData = result.RawData,
        Created = stored?.Created ?? now,
        Modified = now,
    };

    private bool TryGetCachedPolicy(string? group, out LookupPolicy policy)
    {
        if (_policies.TryGetValue(group ?? "", out var entry) && entry.Version == _configChanges.Version && entry.Expires > _time.GetUtcNow())
        {
            policy = entry.Policy;
            return true;
        }

        policy = default;
        return false;
    }

    private async ValueTask<LookupPolicy> GetPolicyAsync(string? group, CancellationToken cancellationToken)
    {
        if (TryGetCachedPolicy(group, out var cached))
        {
            return cached;
        }

        var version = _configChanges.Version;
        var policy = await ResolvePolicyAsync(group, cancellationToken).ConfigureAwait(false);
        var duration = _options.ConfigCacheDuration;
        if (duration > TimeSpan.Zero)
        {
            if (_policies.Count > 4096)
            {
                _policies.Clear();
            }

            _policies[group ?? ""] = (_time.GetUtcNow() + duration, version, policy);
        }

        return policy;
    }

    // The group's config decides whether lookups may cost money and how long answers stay fresh; the provider is its
    // own, or (when its provider has no lookup API) the host's designated lookup config.
    private async Task<LookupPolicy> ResolvePolicyAsync(string? group, CancellationToken cancellationToken)
    {
        var config = await _configs.TryResolveAsync(group, cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return LookupPolicy.MetadataOnly;
        }

        if (config.TestMode)
        {
            return new LookupPolicy(LookupPolicyKind.Test, config, _providers.FindLookup(config), config, config.LookupCacheDays);
        }

        if (!config.LookupEnabled)
        {
            return LookupPolicy.MetadataOnly;
        }

        if (_providers.FindLookup(config) is { } own)
        {
            return new LookupPolicy(LookupPolicyKind.Provider, config, own, config, config.LookupCacheDays);
        }

        if (_options.LookupConfigId is { } id && await _configs.GetAsync(id, cancellationToken).ConfigureAwait(false) is { TestMode: false } designated
            && _providers.FindLookup(designated) is { } theirs)
        {
            return new LookupPolicy(LookupPolicyKind.Provider, config, theirs, designated, config.LookupCacheDays);
        }

        return LookupPolicy.MetadataOnly;
    }

    private void RememberFailure((string E164, string Provider) key, PhoneLookupException error, DateTimeOffset now)
    {
        if (_options.LookupNegativeCacheDuration <= TimeSpan.Zero)
        {
            return;
        }

        // Keep the table bounded when many distinct numbers fail (an outage): drop what has expired.
        if (_failures.Count > 10_000)
        {
            foreach (var entry in _failures)
            {
                if (entry.Value.Until <= now)
                {
                    _failures.TryRemove(entry.Key, out _);
                }
            }
        }

        _failures[key] = (now + _options.LookupNegativeCacheDuration, error);
    }

    private readonly record struct FlightKey(string E164, string Provider, bool Force);

    private enum LookupPolicyKind
    {
        MetadataOnly,
        Test,
        Provider,
    }

    /// <summary>What a group's lookups may buy: from which provider (through which config) and how fresh.</summary>
    private readonly record struct LookupPolicy(LookupPolicyKind Kind, PhoneConfig? ReaderConfig, IPhoneLookupProvider? Provider, PhoneConfig? ProviderConfig, int CacheDays)
    {
        public static readonly LookupPolicy MetadataOnly = new(LookupPolicyKind.MetadataOnly, null, null, null, 0);
    }
}
