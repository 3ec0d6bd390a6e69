using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// Paces sends per sender (a number, short code, sender ID or messaging service) and per provider account, in
/// segments per second, with <see cref="TokenBucketRateLimiter"/>s: a bucket holds one second of sends and refills
/// continuously on the limiter's monotonic clock. A provider that throttles a sender pauses it until the time the
/// provider gave, on PhoneHub's <see cref="TimeProvider"/>.
/// When an <see cref="ISendRateLimiterFactory"/> is registered (limiters shared by several hosts), its limiters replace
/// the token buckets and everything else stays as it is: pauses are this process's own.
/// </summary>
internal sealed class SenderPacing(TimeProvider time, ISendRateLimiterFactory? limiters = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="segments"/> may be sent through every key given (sender, then account).</summary>
    public async ValueTask AcquireAsync(IReadOnlyList<PacingKey> keys, int segments, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            var bucket = _buckets.GetOrAdd(BucketKey(key), _ => new Bucket(key, time, limiters));
            await bucket.AcquireAsync(segments, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops sends through <paramref name="key"/> until <paramref name="until"/> (the provider throttled it).</summary>
    public void Pause(PacingKey key, DateTimeOffset until) =>
        _buckets.GetOrAdd(BucketKey(key), _ => new Bucket(key, time, limiters)).Pause(until);

    /// <summary>When <paramref name="key"/> may send again, if it is paused.</summary>
    public DateTimeOffset? PausedUntil(PacingKey key) =>
        _buckets.TryGetValue(BucketKey(key), out var bucket) && bucket.PausedUntil > time.GetUtcNow() ? bucket.PausedUntil : null;

    // A bucket per key and rate: a config whose rate changes gets a bucket at the new rate at once. (A shared limiter is
    // made for the key alone, so that every host's bucket, at whichever rate it has seen, counts against one budget.)
    private static string BucketKey(PacingKey key) => string.Create(CultureInfo.InvariantCulture, $"{key.Key}@{key.SegmentsPerSecond:R}");

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }

    private sealed class Bucket : IDisposable
    {
        private readonly RateLimiter _limiter;
        private readonly TimeProvider _time;
        private readonly int _capacity;
        private long _pausedUntilTicks;

        public Bucket(PacingKey key, TimeProvider time, ISendRateLimiterFactory? limiters)
        {
            _time = time;
            var segmentsPerSecond = key.SegmentsPerSecond;
            _capacity = Math.Max(1, (int)Math.Floor(segmentsPerSecond));
            if (limiters is not null)
            {
                _limiter = limiters.Create(key.Key, segmentsPerSecond);
                return;
            }

            // One token per period of 1/rate seconds (at most a thousand periods a second), one second of sends at most.
            // The limiter refills on its own monotonic clock: it credits tokens for the time that really passed, so a
            // late timer tick loses nothing. (It cannot follow a TimeProvider; pauses, below, do.)
            var perPeriod = Math.Max(1, (int)Math.Ceiling(segmentsPerSecond / 1000));
            _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = _capacity,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = TimeSpan.FromSeconds(perPeriod / segmentsPerSecond),
                AutoReplenishment = true,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }

        public DateTimeOffset PausedUntil => new(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero);

        public void Pause(DateTimeOffset until)
        {
            var ticks = until.UtcTicks;
            long current;
            while ((current = Interlocked.Read(ref _pausedUntilTicks)) < ticks && Interlocked.CompareExchange(ref _pausedUntilTicks, ticks, current) != current)
            {
            }
        }

        public async ValueTask AcquireAsync(int segments, CancellationToken cancellationToken)
        {
            while (PausedUntil - _time.GetUtcNow() is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            // A message longer than a second's worth still goes, taking the whole bucket.
            using var lease = await _limiter.AcquireAsync(Math.Min(segments, _capacity), cancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException("The send rate limiter refused a permit it should have queued.");
            }
        }

        public void Dispose() => _limiter.Dispose();
    }
}

/// <summary>What is paced, and how fast.</summary>
/// <param name="Key">The sender or account (provider-qualified).</param>
/// <param name="SegmentsPerSecond">The rate.</param>
internal readonly record struct PacingKey(string Key, double SegmentsPerSecond);
