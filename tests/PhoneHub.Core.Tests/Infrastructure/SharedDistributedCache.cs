using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace PhoneHub.Tests.Infrastructure;

/// <summary>
/// A real in-memory <see cref="IDistributedCache"/> that several test hosts share, as hosts share Redis, and that
/// records what was written with which expiry. (HybridCache skips the framework's <see cref="MemoryDistributedCache"/>
/// as a distributed level, since it would be a second copy of its own memory; this type delegates to one instead.)
/// </summary>
public sealed class SharedDistributedCache : IDistributedCache
{
    private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));

    /// <summary>The options of the last write of each key.</summary>
    public ConcurrentDictionary<string, DistributedCacheEntryOptions> Writes { get; } = new(StringComparer.Ordinal);

    public bool Contains(string key) => _inner.Get(key) is not null;

    public byte[]? Get(string key) => _inner.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Writes[key] = options;
        _inner.Set(key, value, options);
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Writes[key] = options;
        return _inner.SetAsync(key, value, options, token);
    }

    public void Refresh(string key) => _inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

    public void Remove(string key) => _inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);
}
