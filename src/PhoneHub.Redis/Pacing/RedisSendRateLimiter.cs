using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace PhoneHub.Redis.Pacing;

/// <summary>
/// One sender's or account's pace, shared by every host: a token bucket kept in Redis as a single timestamp (the
/// generic cell rate algorithm). Each acquisition is one script run that reserves the permits at the earliest moment
/// the rate allows and returns how long to wait for it; the caller then waits and sends. So the permits of all hosts
/// together never exceed one second's worth at once plus the rate, and they are handed out in the order asked for.
/// </summary>
/// <remarks>
/// <para>Time is Redis' own (<c>TIME</c>), the one clock all hosts share; waits run on the system clock for the same
/// reason (see <see cref="Coordination.RedisLeaseProvider"/>).</para>
/// <para>Chosen over the RedisRateLimiting package, whose token bucket counts whole seconds of each host's own clock and
/// refuses rather than queues (PhoneHub's pacing waits for its turn): with rates of 1 to 3 segments a second, a clock
/// in whole seconds lets a sender burst past its rate.</para>
/// <para>A wait that is cancelled keeps its reservation: the sender then sends less than its rate for that moment,
/// never more.</para>
/// </remarks>
internal sealed class RedisSendRateLimiter : RateLimiter
{
    // KEYS[1] the bucket; ARGV[1] microseconds per permit, ARGV[2] burst (permits), ARGV[3] permits asked for,
    // ARGV[4] '1' to reserve only if no wait is needed. Returns granted (1/0), the moment the permits may be used and
    // the wait, in microseconds of Redis time.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2]) * interval
        local tat = tonumber(redis.call('GET', KEYS[1])) or now
        if tat < now then tat = now end
        local next_tat = tat + tonumber(ARGV[3]) * interval
        local wait = next_tat - burst - now
        if wait < 0 then wait = 0 end
        if ARGV[4] == '1' and wait > 0 then
          return {0, string.format('%.0f', now + wait), string.format('%.0f', wait)}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
        return {1, string.format('%.0f', now + wait), string.format('%.0f', wait)}
        """;

    private static readonly RateLimitLease Granted = new Lease(true);
    private static readonly RateLimitLease Refused = new Lease(false);

    private readonly RedisConnection _redis;
    private readonly RedisKey _key;
    private readonly string _interval;
    private readonly string _capacity;

    public RedisSendRateLimiter(RedisConnection redis, string key, double segmentsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentsPerSecond);
        _redis = redis;
        _key = key;
        _interval = (1_000_000d / segmentsPerSecond).ToString("R", CultureInfo.InvariantCulture);

        // One second of sends at most, as the in-process bucket.
        _capacity = Math.Max(1, (int)Math.Floor(segmentsPerSecond)).ToString(CultureInfo.InvariantCulture);
    }

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Reserves <paramref name="permits"/> (unless <paramref name="onlyIfNow"/> and a wait would be needed).</summary>
    internal async Task<Reservation> ReserveAsync(int permits, bool onlyIfNow, CancellationToken cancellationToken)
    {
        var database = await _redis.DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(Script, [_key], Arguments(permits, onlyIfNow)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return Reservation.From(result);
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount == 0)
        {
            return Granted;
        }

        var database = _redis.GetAsync().GetAwaiter().GetResult().GetDatabase();
        return Reservation.From(database.ScriptEvaluate(Script, [_key], Arguments(permitCount, onlyIfNow: true))).Granted ? Granted : Refused;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount == 0)
        {
            return Granted;
        }

        var reservation = await ReserveAsync(permitCount, onlyIfNow: false, cancellationToken).ConfigureAwait(false);
        if (reservation.Wait > TimeSpan.Zero)
        {
            await Task.Delay(reservation.Wait, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        return Granted;
    }

    private RedisValue[] Arguments(int permits, bool onlyIfNow) =>
        [_interval, _capacity, permits.ToString(CultureInfo.InvariantCulture), onlyIfNow ? "1" : "0"];

    /// <summary>One script run's answer: whether the permits are reserved, for when (Redis time), and the wait.</summary>
    internal readonly record struct Reservation(bool Granted, long AllowedAtMicroseconds, TimeSpan Wait)
    {
        public static Reservation From(RedisResult result)
        {
            var values = (RedisResult[])result!;
            var micros = long.Parse((string)values[2]!, CultureInfo.InvariantCulture);
            return new((long)values[0] == 1, long.Parse((string)values[1]!, CultureInfo.InvariantCulture), TimeSpan.FromTicks(micros * 10));
        }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
