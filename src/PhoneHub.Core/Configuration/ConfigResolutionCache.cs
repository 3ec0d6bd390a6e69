using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Caching;
using PhoneHub.Coordination;
using PhoneHub.Diagnostics;

namespace PhoneHub.Configuration;

/// <summary>
/// Config resolutions (group → config, identity → config) through <see cref="HybridCache"/>: in memory, and in the
/// distributed level too when the host has one, so hosts share what one of them read. They are read on every send,
/// lookup and webhook and change rarely.
/// </summary>
/// <remarks>
/// <para>Every entry carries the time it stops being reused, on PhoneHub's clock, set when it was read from the store:
/// whichever host or level serves it, no resolution is reused longer than <see cref="PhoneHubOptions.ConfigCacheDuration"/>
/// after it was read.</para>
/// <para>A write through the config service drops them all at once here (one tag), bumps the
/// <see cref="ConfigChangeToken"/> (derived caches), and tells the other hosts through the
/// <see cref="ICacheInvalidationChannel"/> when there is one, which do the same.</para>
/// <para>Identities nobody holds are not cached: webhooks naming made-up numbers or accounts must not fill the cache
/// (or the distributed one). Each costs one indexed store read.</para>
/// </remarks>
internal sealed class ConfigResolutionCache : IDisposable
{
    /// <summary>What the invalidation channel carries when any config changed.</summary>
    public const string InvalidationKey = "configs";

    private const string Tag = "phonehub:configs";
    private const string KeyPrefix = "phonehub:config:";
    private static readonly string[] Tags = [Tag];

    private readonly HybridCache _cache;
    private readonly ConfigChangeToken _changes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly HybridCacheEntryOptions _entryOptions;
    private readonly HybridCacheEntryOptions _readOptions;
    private readonly ICacheInvalidationChannel? _channel;
    private readonly IDisposable? _subscription;
    private readonly ILogger<ConfigResolutionCache> _logger;

    public ConfigResolutionCache(
        HybridCache cache,
        ConfigChangeToken changes,
        IOptions<PhoneHubOptions> options,
        TimeProvider time,
        ILogger<ConfigResolutionCache> logger,
        IDistributedCache? distributed = null,
        ICacheInvalidationChannel? channel = null)
    {
        _cache = cache;
        _changes = changes;
        _time = time;
        _logger = logger;
        _channel = channel;
        _duration = options.Value.ConfigCacheDuration;
        var expiration = _duration > TimeSpan.Zero ? _duration : TimeSpan.FromSeconds(1);
        var levels = distributed is null ? HybridCacheEntryFlags.DisableDistributedCache : HybridCacheEntryFlags.None;
        _entryOptions = new HybridCacheEntryOptions { Expiration = expiration, Flags = levels };

        // Reads never load (the store is read by GetAsync itself, so that it can judge the entry on PhoneHub's clock).
        _readOptions = new HybridCacheEntryOptions { Expiration = expiration, Flags = levels | HybridCacheEntryFlags.DisableUnderlyingData };
        _subscription = channel?.Subscribe(key =>
        {
            if (key == InvalidationKey)
            {
                _ = DropLocallyAsync();
            }
        });
    }

    /// <summary>
    /// The resolution cached under <paramref name="key"/> if it is still to be reused, else <paramref name="load"/>'s
    /// (then cached, unless it found nothing and <paramref name="cacheMissing"/> is false).
    /// </summary>
    public async Task<PhoneConfig?> GetAsync<TState>(string key, TState state, Func<TState, CancellationToken, Task<PhoneConfig?>> load, bool cacheMissing, CancellationToken cancellationToken)
    {
        if (_duration <= TimeSpan.Zero)
        {
            return await load(state, cancellationToken).ConfigureAwait(false);
        }

        var cacheKey = KeyPrefix + key;
        CachedConfig? cached = null;
        try
        {
            cached = await _cache.GetOrCreateAsync<CachedConfig?>(cacheKey, static _ => default, _readOptions, Tags, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SharedCacheReadFailed(_logger, ex, "config");
        }

        var now = _time.GetUtcNow();
        if (cached is not null && cached.Expires > now)
        {
            return cached.Config;
        }

        var config = await load(state, cancellationToken).ConfigureAwait(false);
        if (config is not null || cacheMissing)
        {
            try
            {
                await _cache.SetAsync(cacheKey, new CachedConfig(config, now + _duration), _entryOptions, Tags, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SharedCacheWriteFailed(_logger, ex, "config");
            }
        }

        return config;
    }

    /// <summary>Drops every resolution here and in the shared tier, and tells the other hosts.</summary>
    public async ValueTask InvalidateAsync()
    {
        await DropLocallyAsync().ConfigureAwait(false);
        if (_channel is not null)
        {
            try
            {
                await _channel.PublishAsync(InvalidationKey).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.InvalidationPublishFailed(_logger, ex, "a config");
            }
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private async Task DropLocallyAsync()
    {
        try
        {
            // The tag is invalidated in memory before the distributed write starts, so the version bump below can
            // never re-read an entry the tag just dropped.
            var removal = _cache.RemoveByTagAsync(Tag);
            _changes.Changed();
            await removal.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _changes.Changed();
            Log.SharedCacheWriteFailed(_logger, ex, "config");
        }
    }
}
