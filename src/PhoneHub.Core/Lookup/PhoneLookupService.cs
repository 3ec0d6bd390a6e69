using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Stores;

namespace PhoneHub.Lookup;

/// <summary>The default <see cref="IPhoneLookupService"/>: memory tier, then the store, then the provider.</summary>
internal sealed class PhoneLookupService : IPhoneLookupService, IDisposable
{
    private readonly IPhoneNumberStore _store;
    private readonly IPhoneConfigService _configs;
    private readonly ProviderRegistry _providers;
    private readonly PhoneNormalizer _normalizer;
    private readonly PhoneHubOptions _options;
    private readonly TimeProvider _time;
    private readonly PhoneHubMetrics _metrics;
    private readonly ILogger<PhoneLookupService> _logger;
    private readonly MemoryCache? _memory;

    // One in-flight load per number: concurrent lookups of the same number await the same task (one provider call).
    private readonly ConcurrentDictionary<(string E164, bool Force), Lazy<Task<PhoneNumber>>> _inflight = new();

    // Numbers whose provider lookup just failed, with when they may be tried again.
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, PhoneLookupException Error)> _failures = new();

    public PhoneLookupService(
        IPhoneNumberStore store,
        IPhoneConfigService configs,
        ProviderRegistry providers,
        PhoneNormalizer normalizer,
        IOptions<PhoneHubOptions> options,
        TimeProvider time,
        PhoneHubMetrics metrics,
        ILogger<PhoneLookupService> logger)
    {
        _store = store;
        _configs = configs;
        _providers = providers;
        _normalizer = normalizer;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _memory = _options.LookupMemoryCacheSize > 0
            ? new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.LookupMemoryCacheSize })
            : null;
    }

    public Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, CancellationToken cancellationToken = default)
    {
        var parsed = _normalizer.Parse(phoneNumber, _options.DefaultRegion);

        // Fast path, no allocation beyond the parse: a fresh record in memory. Freshness is judged with our
        // TimeProvider, never the cache's own clock.
        if (!forceRefresh && _memory is not null && _memory.TryGetValue(parsed.E164, out PhoneNumber? hit) && hit is not null && !hit.NeedsLookup(_time.GetUtcNow()))
        {
            _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "memory"));
            return Task.FromResult(hit);
        }

        return LookupSlowAsync(parsed, forceRefresh, group, cancellationToken);
    }

    private async Task<PhoneNumber> LookupSlowAsync(ParsedPhoneNumber parsed, bool forceRefresh, string? group, CancellationToken cancellationToken)
    {
        var key = (parsed.E164, forceRefresh);
        var lazy = _inflight.GetOrAdd(key, k => new Lazy<Task<PhoneNumber>>(() => LoadAndForgetAsync(k, parsed, group)));
        return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<PhoneNumber> LoadAndForgetAsync((string E164, bool Force) key, ParsedPhoneNumber parsed, string? group)
    {
        try
        {
            // The shared load is not tied to any one caller's token: a caller that gives up must not fail the others.
            return await LoadAsync(parsed, group, key.Force).ConfigureAwait(false);
        }
        finally
        {
            _inflight.TryRemove(key, out _);
        }
    }

    private async Task<PhoneNumber> LoadAsync(ParsedPhoneNumber parsed, string? group, bool forceRefresh)
    {
        var now = _time.GetUtcNow();
        var stored = await _store.FindAsync(parsed.E164).ConfigureAwait(false);
        if (!forceRefresh && stored is not null && !stored.NeedsLookup(now))
        {
            Remember(stored, now);
            _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "store"));
            return stored;
        }

        // The group's config matters only from here on (whether and where to look up): a fresh stored record is
        // served without reading it.
        var config = await _configs.TryResolveAsync(group).ConfigureAwait(false);
        var (provider, providerConfig) = await FindLookupProviderAsync(config).ConfigureAwait(false);
        if (config is null || provider is null || providerConfig is null)
        {
            // Lookups are off for this group (or its provider has none): metadata only, never a made-up carrier.
            _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "metadata"));
            return stored ?? MetadataLookup.ToRecord(parsed, PhoneProviders.Local, now);
        }

        if (stored is null && _failures.TryGetValue(parsed.E164, out var failure))
        {
            if (failure.Until > now)
            {
                throw failure.Error;
            }

            _failures.TryRemove(parsed.E164, out _);
        }

        PhoneLookupResult result;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var context = await _configs.GetProviderContextAsync(providerConfig).ConfigureAwait(false);
            result = await provider.LookupAsync(parsed.E164, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ex as PhoneLookupException ?? new PhoneLookupException("lookup_failed", $"The lookup at provider '{provider.Name}' failed.", ex);
            if (ex is not PhoneHubException)
            {
                Log.LookupProviderCrashed(_logger, ex, provider.Name);
            }

            if (stored is not null)
            {
                Log.LookupFailedServedStale(_logger, provider.Name, error.ErrorCode);
                return stored;
            }

            RememberFailure(parsed.E164, error, now);
            Log.LookupFailed(_logger, provider.Name, error.ErrorCode, _options.LookupNegativeCacheDuration);
            throw error;
        }
        finally
        {
            _metrics.LookupDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("phonehub.provider", provider.Name));
        }

        _metrics.LookupRequests.Add(1, new KeyValuePair<string, object?>("phonehub.lookup.source", "provider"));
        var saved = await _store.UpsertAsync(new PhoneNumber
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
            LookupExpiresAt = now.AddDays(config.LookupCacheDays),
            LookupCount = (stored?.LookupCount ?? 0) + 1,
            LastLookupAt = now,
            LookupData = result.RawData,
            Created = stored?.Created ?? now,
            Modified = now,
        }).ConfigureAwait(false);
        _failures.TryRemove(parsed.E164, out _);
        Remember(saved, now);
        return saved;
    }

    // The group's config decides whether lookups may cost money and how long answers stay fresh; the provider is its
    // own, or (when its provider has no lookup API) the host's designated lookup config.
    private async Task<(IPhoneLookupProvider? Provider, PhoneConfig? ProviderConfig)> FindLookupProviderAsync(PhoneConfig? config)
    {
        if (config is not { LookupEnabled: true })
        {
            return (null, null);
        }

        if (_providers.FindLookup(config) is { } own)
        {
            return (own, config);
        }

        if (_options.LookupConfigId is { } id && await _configs.GetAsync(id).ConfigureAwait(false) is { } designated)
        {
            return (_providers.FindLookup(designated), designated);
        }

        return (null, null);
    }

    /// <summary>Drops a number from the memory tier after its stored record was changed or deleted outside a lookup.</summary>
    /// <param name="e164">The number.</param>
    internal void Forget(string e164) => _memory?.Remove(e164);

    private void Remember(PhoneNumber number, DateTimeOffset now)
    {
        if (_memory is null || number.LookupExpiresAt is not { } expires)
        {
            return;
        }

        var ttl = expires - now;
        if (ttl > _options.LookupMemoryCacheDuration)
        {
            ttl = _options.LookupMemoryCacheDuration;
        }

        if (ttl > TimeSpan.Zero)
        {
            _memory.Set(number.E164, number, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ttl });
        }
    }

    private void RememberFailure(string e164, PhoneLookupException error, DateTimeOffset now)
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

        _failures[e164] = (now + _options.LookupNegativeCacheDuration, error);
    }

    public void Dispose() => _memory?.Dispose();
}
