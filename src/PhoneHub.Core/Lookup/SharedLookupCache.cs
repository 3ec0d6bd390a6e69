using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Coordination;
using PhoneHub.Diagnostics;

namespace PhoneHub.Lookup;

/// <summary>
/// The tier between each process's memory and the store: looked-up records in <see cref="HybridCache"/>'s distributed
/// level (the host's <see cref="IDistributedCache"/>, Redis with <c>UseRedis(...)</c>), shared by every host. Off when
/// the host registers no distributed cache: the store is then the only shared tier.
/// </summary>
/// <remarks>
/// Memory stays <see cref="LookupMemoryCache"/>'s job (bounded, judged on PhoneHub's clock, one dictionary read a hit),
/// so HybridCache's own memory level is not used for lookups. An entry lives until the record's lookup expiry at most,
/// and at most <see cref="PhoneHubOptions.LookupSharedCacheDuration"/>; each reader still judges freshness by its own
/// window. A write through <see cref="IPhoneNumberService"/> removes the entry here and, through the
/// <see cref="ICacheInvalidationChannel"/> when there is one, from every host's memory.
/// </remarks>
internal sealed class SharedLookupCache : IDisposable
{
    /// <summary>What the invalidation channel carries for a number: this prefix and the E.164 number.</summary>
    public const string InvalidationPrefix = "lookup:";

    private const string KeyPrefix = "phonehub:lookup:";

    private static readonly HybridCacheEntryOptions ReadOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableUnderlyingData,
    };

    private readonly HybridCache _cache;
    private readonly LookupMemoryCache _memory;
    private readonly ICacheInvalidationChannel? _channel;
    private readonly IDisposable? _subscription;
    private readonly TimeSpan _maxAge;
    private readonly ILogger<SharedLookupCache> _logger;

    public SharedLookupCache(
        HybridCache cache,
        LookupMemoryCache memory,
        IOptions<PhoneHubOptions> options,
        ILogger<SharedLookupCache> logger,
        IDistributedCache? distributed = null,
        ICacheInvalidationChannel? channel = null)
    {
        _cache = cache;
        _memory = memory;
        _channel = channel;
        _logger = logger;
        _maxAge = options.Value.LookupSharedCacheDuration;
        Enabled = distributed is not null && _maxAge > TimeSpan.Zero;
        _subscription = channel?.Subscribe(key =>
        {
            if (key.StartsWith(InvalidationPrefix, StringComparison.Ordinal))
            {
                memory.Forget(key[InvalidationPrefix.Length..]);
            }
        });
    }

    /// <summary>Whether there is a shared tier (a distributed cache is registered and the duration is not zero).</summary>
    public bool Enabled { get; }

    /// <summary>The record the shared tier holds for <paramref name="e164"/>, if any (not judged for freshness).</summary>
    public async ValueTask<PhoneNumber?> TryGetAsync(string e164, CancellationToken cancellationToken = default)
    {
        if (!Enabled)
        {
            return null;
        }

        try
        {
            return await _cache.GetOrCreateAsync<PhoneNumber?>(KeyPrefix + e164, static _ => default, ReadOnly, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store holds every record the shared tier does: an unreachable cache costs time, never an answer.
            Log.SharedCacheReadFailed(_logger, ex, "lookup");
            return null;
        }
    }

    /// <summary>Shares <paramref name="number"/> until its lookup expiry, at most <see cref="PhoneHubOptions.LookupSharedCacheDuration"/>.</summary>
    public async ValueTask RememberAsync(PhoneNumber number, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!Enabled || number.LookupExpiresAt is not { } expires)
        {
            return;
        }

        var ttl = expires - now;
        if (ttl > _maxAge)
        {
            ttl = _maxAge;
        }

        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var entry = new HybridCacheEntryOptions { Expiration = ttl, Flags = HybridCacheEntryFlags.DisableLocalCache };
            await _cache.SetAsync(KeyPrefix + number.E164, number, entry, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SharedCacheWriteFailed(_logger, ex, "lookup");
        }
    }

    /// <summary>
    /// Drops <paramref name="e164"/> from every tier: this process's memory, the shared tier, and (through the
    /// invalidation channel) the other hosts' memory. A failure is logged, not thrown: the write it follows is stored.
    /// </summary>
    public async ValueTask ForgetAsync(string e164, CancellationToken cancellationToken = default)
    {
        _memory.Forget(e164);
        if (Enabled)
        {
            try
            {
                await _cache.RemoveAsync(KeyPrefix + e164, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SharedCacheWriteFailed(_logger, ex, "lookup");
            }
        }

        if (_channel is not null)
        {
            try
            {
                await _channel.PublishAsync(InvalidationPrefix + e164, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.InvalidationPublishFailed(_logger, ex, "a phone-number record");
            }
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
