using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace PhoneHub.Messaging.Dispatch;

/// <summary>
/// Paces sends per sender (a number, short code, sender ID or messaging service) and per provider account, in
/// segments per second, with <see cref="TokenBucketRateLimiter"/>s: a bucket holds one second of sends and refills
/// continuously. Refills run on PhoneHub's <see cref="TimeProvider"/> rather than the limiter's own timer, so pacing
/// follows the same clock as everything else (and a test's fake one). A provider that throttles a sender pauses it.
/// When an <see cref="ISendRateLimiterFactory"/> is registered (limiters shared by several hosts), its limiters replace
/// the buckets' and everything else stays as it is: pauses are this process's own.
/// </summary>
internal sealed class SenderPacing(TimeProvider time, ISendRateLimiterFactory? limiters = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="segments"/> may be sent through every key given (sender, then account).</summary>
    public async ValueTask AcquireAsync(IReadOnlyList<PacingKey> keys, int segments, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            var bucket = _buckets.GetOrAdd(key.Key, k => new Bucket(k, key.SegmentsPerSecond, time, limiters));
            await bucket.AcquireAsync(segments, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops sends through <paramref name="key"/> until <paramref name="until"/> (the provider throttled it).</summary>
    public void Pause(PacingKey key, DateTimeOffset until) =>
        _buckets.GetOrAdd(key.Key, k => new Bucket(k, key.SegmentsPerSecond, time, limiters)).Pause(until);

    /// <summary>When <paramref name="key"/> may send again, if it is paused.</summary>
    public DateTimeOffset? PausedUntil(PacingKey key) =>
        _buckets.TryGetValue(key.Key, out var bucket) && bucket.PausedUntil > time.GetUtcNow() ? bucket.PausedUntil : null;

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
        private readonly ITimer? _refill;
        private readonly TimeProvider _time;
        private readonly int _capacity;
        private long _pausedUntilTicks;

        public Bucket(string key, double segmentsPerSecond, TimeProvider time, ISendRateLimiterFactory? limiters)
        {
            _time = time;
            _capacity = Math.Max(1, (int)Math.Floor(segmentsPerSecond));
            if (limiters is not null)
            {
                _limiter = limiters.Create(key, segmentsPerSecond);
                return;
            }

            // One token per period of 1/rate seconds (at most a thousand periods a second), one second of sends at most.
            var perPeriod = Math.Max(1, (int)Math.Ceiling(segmentsPerSecond / 1000));
            var period = TimeSpan.FromSeconds(perPeriod / segmentsPerSecond);
            var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = _capacity,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = period,
                AutoReplenishment = false,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            _limiter = bucket;
            _refill = time.CreateTimer(_ => bucket.TryReplenish(), null, period, period);
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

        public void Dispose()
        {
            _refill?.Dispose();
            _limiter.Dispose();
        }
    }
}

/// <summary>What is paced, and how fast.</summary>
/// <param name="Key">The sender or account (provider-qualified).</param>
/// <param name="SegmentsPerSecond">The rate.</param>
internal readonly record struct PacingKey(string Key, double SegmentsPerSecond);
