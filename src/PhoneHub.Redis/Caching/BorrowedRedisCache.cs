using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;

namespace PhoneHub.Redis.Caching;

/// <summary>
/// The shared tier's <see cref="IDistributedCache"/>: Microsoft's <see cref="RedisCache"/> on PhoneHub's multiplexer. It
/// is not disposed with the container, because <see cref="RedisCache"/> would close the multiplexer, which may be the
/// host's own; the multiplexer's owner closes it.
/// </summary>
internal sealed class BorrowedRedisCache(RedisCache cache) : IBufferDistributedCache
{
    private readonly IBufferDistributedCache inner = cache;

    public byte[]? Get(string key) => inner.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        inner.SetAsync(key, value, options, token);

    public void Refresh(string key) => inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

    public bool TryGet(string key, IBufferWriter<byte> destination) => inner.TryGet(key, destination);

    public ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default) =>
        inner.TryGetAsync(key, destination, token);

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        inner.SetAsync(key, value, options, token);
}
