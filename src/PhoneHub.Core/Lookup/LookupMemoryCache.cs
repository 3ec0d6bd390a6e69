using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace PhoneHub.Lookup;

/// <summary>
/// The process-memory tier in front of the store: the latest stored record of recently looked-up numbers. Shared by the
/// lookup service (which reads and fills it) and the number service (which drops a number whenever its record is written
/// or deleted), so an edited record is never served stale from memory.
/// </summary>
internal sealed class LookupMemoryCache : IDisposable
{
    private readonly MemoryCache? _memory;

    public LookupMemoryCache(IOptions<PhoneHubOptions> options)
    {
        var size = options.Value.LookupMemoryCacheSize;
        _memory = size > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = size }) : null;
    }

    public bool TryGet(string e164, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PhoneNumber? number)
    {
        number = null;
        return _memory is not null && _memory.TryGetValue(e164, out number) && number is not null;
    }

    /// <summary>Keeps <paramref name="number"/> for at most <paramref name="maxAge"/> and never past its lookup expiry.</summary>
    public void Remember(PhoneNumber number, DateTimeOffset now, TimeSpan maxAge)
    {
        if (_memory is null || number.LookupExpiresAt is not { } expires)
        {
            return;
        }

        var ttl = expires - now;
        if (ttl > maxAge)
        {
            ttl = maxAge;
        }

        if (ttl > TimeSpan.Zero)
        {
            _memory.Set(number.E164, number, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = ttl });
        }
    }

    public void Forget(string e164) => _memory?.Remove(e164);

    public void Dispose() => _memory?.Dispose();
}
