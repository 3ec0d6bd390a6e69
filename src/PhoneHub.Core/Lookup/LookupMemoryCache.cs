using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace PhoneHub.Lookup;

/// <summary>
/// The process-memory tier in front of the shared tier and the store: the latest stored record of recently looked-up
/// numbers. Shared by the lookup service (which reads and fills it) and the number service (which drops a number whenever
/// its record is written or deleted), so an edited record is never served stale from memory.
/// </summary>
/// <remarks>
/// A hit is one dictionary read and a comparison with a time the caller read once from PhoneHub's
/// <see cref="TimeProvider"/>: expiry and freshness are judged on that one clock, never on a cache's own (the lookup
/// path reads the clock once for both). Bounded: when it holds <see cref="PhoneHubOptions.LookupMemoryCacheSize"/>
/// numbers, expired entries go first, then the least recently used tenth.
/// </remarks>
internal sealed class LookupMemoryCache
{
    private readonly ConcurrentDictionary<string, Entry>? _entries;
    private readonly int _capacity;
    private readonly Lock _trim = new();
    private int _count;

    public LookupMemoryCache(IOptions<PhoneHubOptions> options)
    {
        _capacity = options.Value.LookupMemoryCacheSize;
        _entries = _capacity > 0 ? new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal) : null;
    }

    public bool Enabled => _entries is not null;

    /// <summary>How many numbers are held (for tests and diagnostics).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The entry for <paramref name="e164"/> when it has not expired at <paramref name="nowTicks"/> (UTC ticks).</summary>
    public bool TryGet(string e164, long nowTicks, [NotNullWhen(true)] out Entry? entry)
    {
        if (_entries is not null && _entries.TryGetValue(e164, out entry) && entry.ExpiresTicks > nowTicks)
        {
            entry.LastUsedTicks = nowTicks;
            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Keeps <paramref name="number"/> for at most <paramref name="maxAge"/> and never past its lookup expiry.</summary>
    public void Remember(PhoneNumber number, DateTimeOffset now, TimeSpan maxAge)
    {
        if (_entries is null || number.LookupExpiresAt is not { } expires || number.LastLookupAt is not { } last)
        {
            return;
        }

        var until = now + maxAge;
        if (expires < until)
        {
            until = expires;
        }

        if (until <= now)
        {
            return;
        }

        var entry = new Entry(number, until.UtcTicks, last.UtcTicks, now.UtcTicks);
        var added = false;
        _entries.AddOrUpdate(number.E164, _ => { added = true; return entry; }, (_, _) => { added = false; return entry; });
        if (added && Interlocked.Increment(ref _count) > _capacity)
        {
            Trim(now.UtcTicks);
        }
    }

    public void Forget(string e164)
    {
        if (_entries is not null && _entries.TryRemove(e164, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Trim(long nowTicks)
    {
        // One trimmer at a time; others go on adding (the bound is overshot by at most the racing adds).
        if (!_trim.TryEnter())
        {
            return;
        }

        try
        {
            var entries = _entries!;
            foreach (var (key, entry) in entries)
            {
                if (entry.ExpiresTicks <= nowTicks)
                {
                    Remove(key, entry);
                }
            }

            if (Volatile.Read(ref _count) <= _capacity)
            {
                return;
            }

            // Still full of live entries: the least recently used tenth goes (amortized: one sort per capacity/10 adds).
            var byUse = entries.ToArray();
            Array.Sort(byUse, static (a, b) => a.Value.LastUsedTicks.CompareTo(b.Value.LastUsedTicks));
            var drop = Math.Max(1, _capacity / 10) + (byUse.Length - _capacity);
            for (var i = 0; i < drop && i < byUse.Length; i++)
            {
                Remove(byUse[i].Key, byUse[i].Value);
            }
        }
        finally
        {
            _trim.Exit();
        }
    }

    private void Remove(string key, Entry entry)
    {
        // Only this very entry: a newer one put there meanwhile stays.
        if (_entries!.TryRemove(new KeyValuePair<string, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>A remembered record with what a hit needs precomputed: its expiry, and when its lookup was made.</summary>
    internal sealed class Entry(PhoneNumber record, long expiresTicks, long lastLookupTicks, long nowTicks)
    {
        public PhoneNumber Record { get; } = record;

        /// <summary>
        /// The record as a completed task, made once per entry so that a hit allocates nothing (a completed task is
        /// immutable, so every caller may be handed the same one).
        /// </summary>
        public Task<PhoneNumber> Completed { get; } = Task.FromResult(record);

        public long ExpiresTicks { get; } = expiresTicks;

        public long LastLookupTicks { get; } = lastLookupTicks;

        /// <summary>When it was last served (for trimming); written without a lock, an approximate order is enough.</summary>
        public long LastUsedTicks { get; set; } = nowTicks;
    }
}
