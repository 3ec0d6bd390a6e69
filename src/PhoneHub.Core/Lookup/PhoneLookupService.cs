using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Coordination;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Lookup;

/// <summary>
/// The default <see cref="IPhoneLookupService"/>: memory tier, then the shared tier (when the host has a distributed
/// cache), then the store, then the provider. The cache is shared by
/// every group, but what a caller gets is decided by the caller's own config (its lookup policy):
/// <list type="bullet">
/// <item>a config with lookups off (or whose provider has no lookup API) gets numbering-plan metadata only, never a paid
/// answer another group bought, and never causes a provider call;</item>
/// <item>a config in test mode gets the test provider's answer, which is never stored, so no live reader is served it;</item>
/// <item>a paying config gets a stored answer only if that answer came from its own lookup provider and is younger than
/// its own <see cref="PhoneConfig.LookupCacheDays"/>; otherwise it buys a fresh one.</item>
/// </list>
/// Concurrent lookups share one provider call only when they would buy the same thing (same number from the same
/// provider); a caller is never handed an answer older than its own window. With an <see cref="IDistributedLeaseProvider"/>
/// that holds across hosts too: the host that takes the number's lease buys, the others wait for it and read the answer.
/// </summary>
internal sealed class PhoneLookupService : IPhoneLookupService
{
    private readonly IPhoneNumberStore _store;
    private readonly IPhoneConfigService _configs;
    private readonly ProviderRegistry _providers;
    private readonly PhoneNormalizer _normalizer;
    private readonly LookupMemoryCache _memory;
    private readonly SharedLookupCache _shared;
    private readonly IDistributedLeaseProvider? _leases;
    private readonly ConfigChangeToken _configChanges;
    private readonly PhoneHubOptions _options;
    private readonly TimeProvider _time;
    private readonly PhoneHubMetrics _metrics;
    private readonly ILogger<PhoneLookupService> _logger;

    // One in-flight load per number and purchase: concurrent lookups that would buy the same answer await one task.
    private readonly ConcurrentDictionary<FlightKey, Lazy<Task<PhoneNumber>>> _inflight = new();

    // Numbers whose provider lookup just failed, per provider, with when they may be tried again.
    private readonly ConcurrentDictionary<(string E164, string Provider), (DateTimeOffset Until, PhoneLookupException Error)> _failures = new();

    // The lookup policy of each group, so a memory hit needs no config read; dropped whenever a config changes here (or
    // another host says so). The system default's (group null) has a field of its own: one read on the hot path.
    private readonly ConcurrentDictionary<string, PolicyEntry> _policies = new(StringComparer.Ordinal);
    private PolicyEntry? _defaultPolicy;

    public PhoneLookupService(
        IPhoneNumberStore store,
        IPhoneConfigService configs,
        ProviderRegistry providers,
        PhoneNormalizer normalizer,
        LookupMemoryCache memory,
        SharedLookupCache shared,
        ConfigChangeToken configChanges,
        IOptions<PhoneHubOptions> options,
        TimeProvider time,
        PhoneHubMetrics metrics,
        ILogger<PhoneLookupService> logger,
        IDistributedLeaseProvider? leases = null)
    {
        _store = store;
        _configs = configs;
        _providers = providers;
        _normalizer = normalizer;
        _memory = memory;
        _shared = shared;
        _leases = leases;
        _configChanges = configChanges;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, CancellationToken cancellationToken = default)
    {
        // Fast path: the caller's policy is known and a record fresh for it is in memory; one read of PhoneHub's clock
        // judges the policy's age, the entry's expiry and the record's freshness. Nothing is allocated: the entry holds its
        // completed task.
        if (!forceRefresh && _memory.Enabled)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (TryGetCachedPolicy(group, now, out var policy) && policy.Kind == LookupPolicyKind.Provider
                && TryGetFromMemory(phoneNumber, now, out var entry) && IsFreshFor(entry, policy, now))
            {
                _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "memory"));
                return entry.Completed;
            }
        }

        return LookupSlowAsync(_normalizer.Parse(phoneNumber, _options.DefaultRegion), forceRefresh, group, cancellationToken);
    }

    // Records are kept under their E.164 form only, so an input that is found as written is that valid number: callers
    // that pass E.164 skip the normalizer. Anything else is normalized (from the normalizer's cache) and looked up again.
    private bool TryGetFromMemory(string phoneNumber, long now, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LookupMemoryCache.Entry? entry)
    {
        if (phoneNumber is { Length: > 1 } && phoneNumber[0] == '+' && _memory.TryGet(phoneNumber, now, out entry))
        {
            return true;
        }

        entry = null;
        return _normalizer.TryNormalize(phoneNumber, out var e164, _options.DefaultRegion) && !ReferenceEquals(e164, phoneNumber)
            && _memory.TryGet(e164, now, out entry);
    }

    private async Task<PhoneNumber> LookupSlowAsync(ParsedPhoneNumber parsed, bool forceRefresh, string? group, CancellationToken cancellationToken)
    {
        var policy = await GetPolicyAsync(group, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        switch (policy.Kind)
        {
            case LookupPolicyKind.MetadataOnly:
                return await MetadataOnlyAsync(parsed, now, cancellationToken).ConfigureAwait(false);
            case LookupPolicyKind.Test:
                // Test answers are made up from metadata: never stored in the shared cache a live config reads.
                _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "test"));
                return ToRecord(parsed, await policy.Provider!.LookupAsync(parsed.E164, new ProviderContext(policy.ReaderConfig!, null), cancellationToken).ConfigureAwait(false), null, 0, now) with { Created = now, Modified = now };
        }

        if (!forceRefresh && _memory.TryGet(parsed.E164, now.UtcTicks, out var hit) && IsFreshFor(hit, policy, now.UtcTicks))
        {
            _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "memory"));
            return hit.Record;
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
        if (!forceRefresh && await _shared.TryGetAsync(parsed.E164).ConfigureAwait(false) is { } shared && IsFreshFor(shared, provider.Name, policy.CacheDays, now))
        {
            _memory.Remember(shared, now, _options.LookupMemoryCacheDuration);
            _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "shared"));
            return shared;
        }

        var stored = await _store.FindAsync(parsed.E164).ConfigureAwait(false);
        if (!forceRefresh && stored is not null && IsFreshFor(stored, provider.Name, policy.CacheDays, now))
        {
            await RememberAsync(stored, now).ConfigureAwait(false);
            _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "store"));
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

        return _leases is null
            ? await BuyAsync(parsed, policy, stored, now).ConfigureAwait(false)
            : await BuyUnderLeaseAsync(parsed, policy, forceRefresh, now).ConfigureAwait(false);
    }

    /// <summary>
    /// Buys the answer only while holding the number's lease, so hosts that share the lease provider make one provider
    /// call per number per cache window: a host that finds the lease taken waits for it to be released (or to lapse)
    /// and reads what the holder stored; only if that does not answer it (the holder failed) does it try itself.
    /// </summary>
    private async Task<PhoneNumber> BuyUnderLeaseAsync(ParsedPhoneNumber parsed, LookupPolicy policy, bool forceRefresh, DateTimeOffset requested)
    {
        var provider = policy.Provider!;
        var name = $"lookup:{provider.Name}:{parsed.E164}";
        var duration = _options.LookupLeaseDuration;

        // What the caller asked for: a record fresh for its window, or (forced) one bought since it asked.
        bool Answers(PhoneNumber? record) => record is not null && (forceRefresh
            ? string.Equals(record.LookupProvider, provider.Name, StringComparison.Ordinal) && record.LastLookupAt >= requested
            : IsFreshFor(record, provider.Name, policy.CacheDays, _time.GetUtcNow()));

        while (true)
        {
            IAsyncDisposable? lease;
            try
            {
                lease = await _leases!.TryAcquireAsync(name, duration).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The lease is a saving, not a condition of answering: without it this host buys on its own.
                Log.LookupLeaseFailed(_logger, ex, provider.Name);
                return await BuyAsync(parsed, policy, await _store.FindAsync(parsed.E164).ConfigureAwait(false), _time.GetUtcNow()).ConfigureAwait(false);
            }

            if (lease is not null)
            {
                try
                {
                    // Another host may have bought it between this host's read and taking the lease.
                    var stored = await _store.FindAsync(parsed.E164).ConfigureAwait(false);
                    if (Answers(stored))
                    {
                        await RememberAsync(stored!, _time.GetUtcNow()).ConfigureAwait(false);
                        _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "store"));
                        return stored!;
                    }

                    // Stored and shared before the lease is released, so whoever waited for it finds the answer.
                    return await BuyAsync(parsed, policy, stored, _time.GetUtcNow()).ConfigureAwait(false);
                }
                finally
                {
                    await ReleaseAsync(lease, provider.Name).ConfigureAwait(false);
                }
            }

            Log.LookupLeaseWaiting(_logger, provider.Name);
            await _leases.WaitForReleaseAsync(name, duration).ConfigureAwait(false);
            var after = await _shared.TryGetAsync(parsed.E164).ConfigureAwait(false);
            if (!Answers(after))
            {
                after = await _store.FindAsync(parsed.E164).ConfigureAwait(false);
            }

            if (Answers(after))
            {
                _memory.Remember(after!, _time.GetUtcNow(), _options.LookupMemoryCacheDuration);
                _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "shared"));
                return after!;
            }
        }
    }

    private async ValueTask ReleaseAsync(IAsyncDisposable lease, string provider)
    {
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // It lapses by itself at the end of its duration; until then the other hosts wait for it.
            Log.LookupLeaseFailed(_logger, ex, provider);
        }
    }

    private async Task<PhoneNumber> BuyAsync(ParsedPhoneNumber parsed, LookupPolicy policy, PhoneNumber? stored, DateTimeOffset now)
    {
        var provider = policy.Provider!;
        var failureKey = (parsed.E164, provider.Name);
        PhoneLookupResult result;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var context = await _configs.GetProviderContextAsync(policy.ProviderConfig!).ConfigureAwait(false);
            result = await provider.LookupAsync(parsed.E164, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ex as PhoneLookupException ?? new PhoneLookupException("lookup_failed", $"The lookup at provider '{provider.Name}' failed.", ex);
            if (ex is not PhoneHubException)
            {
                Log.LookupProviderCrashed(_logger, ex, provider.Name);
            }

            // A stale answer from the same provider is better than none; an answer of another kind is not what was asked.
            if (stored is not null && stored.LookupProvider == provider.Name)
            {
                Log.LookupFailedServedStale(_logger, provider.Name, error.ErrorCode);
                return stored;
            }

            RememberFailure(failureKey, error, now);
            Log.LookupFailed(_logger, provider.Name, error.ErrorCode, _options.LookupNegativeCacheDuration);
            throw error;
        }
        finally
        {
            _metrics.LookupDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("phonehub.provider", provider.Name));
        }

        _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "provider"));
        var saved = await _store.UpsertAsync(ToRecord(parsed, result, stored, policy.CacheDays, now)).ConfigureAwait(false);
        _failures.TryRemove(failureKey, out _);
        await RememberAsync(saved, now).ConfigureAwait(false);
        return saved;
    }

    private ValueTask RememberAsync(PhoneNumber record, DateTimeOffset now)
    {
        _memory.Remember(record, now, _options.LookupMemoryCacheDuration);
        return _shared.RememberAsync(record, now);
    }

    /// <summary>
    /// What a caller that buys nothing gets: the stored record when it holds no provider's answer (metadata, or data an
    /// administrator entered), else a metadata-only record. Never a provider call.
    /// </summary>
    private async Task<PhoneNumber> MetadataOnlyAsync(ParsedPhoneNumber parsed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "metadata"));
        var stored = await _store.FindAsync(parsed.E164, cancellationToken).ConfigureAwait(false);
        return stored is { LookupProvider: PhoneProviders.Local or null }
            ? stored
            : MetadataLookup.ToRecord(parsed, PhoneProviders.Local, now);
    }

    private static bool IsFreshFor(LookupMemoryCache.Entry entry, in LookupPolicy policy, long nowTicks) =>
        entry.LastLookupTicks + policy.WindowTicks > nowTicks
        && string.Equals(entry.Record.LookupProvider, policy.ProviderName, StringComparison.Ordinal);

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

    private bool TryGetCachedPolicy(string? group, long nowTicks, out LookupPolicy policy)
    {
        var entry = group is null ? Volatile.Read(ref _defaultPolicy) : _policies.GetValueOrDefault(group);
        if (entry is not null && entry.Version == _configChanges.Version && entry.ExpiresTicks > nowTicks)
        {
            policy = entry.Policy;
            return true;
        }

        policy = default;
        return false;
    }

    private async ValueTask<LookupPolicy> GetPolicyAsync(string? group, CancellationToken cancellationToken)
    {
        if (TryGetCachedPolicy(group, _time.GetUtcNow().UtcTicks, out var cached))
        {
            return cached;
        }

        var version = _configChanges.Version;
        var policy = await ResolvePolicyAsync(group, cancellationToken).ConfigureAwait(false);
        var duration = _options.ConfigCacheDuration;
        if (duration > TimeSpan.Zero)
        {
            var entry = new PolicyEntry((_time.GetUtcNow() + duration).UtcTicks, version, policy);
            if (group is null)
            {
                Volatile.Write(ref _defaultPolicy, entry);
            }
            else
            {
                if (_policies.Count > 4096)
                {
                    _policies.Clear();
                }

                _policies[group] = entry;
            }
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

        /// <summary>The provider's name, read once (the hot path compares it with each record's).</summary>
        public string? ProviderName { get; } = Provider?.Name;

        /// <summary>The reader's freshness window in ticks.</summary>
        public long WindowTicks { get; } = CacheDays * TimeSpan.TicksPerDay;
    }

    /// <summary>A group's policy as cached: until when (UTC ticks), for which config version.</summary>
    private sealed class PolicyEntry(long expiresTicks, int version, LookupPolicy policy)
    {
        public long ExpiresTicks { get; } = expiresTicks;

        public int Version { get; } = version;

        public LookupPolicy Policy { get; } = policy;
    }
}
