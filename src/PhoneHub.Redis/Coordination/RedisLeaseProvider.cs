using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Coordination;
using StackExchange.Redis;

namespace PhoneHub.Redis.Coordination;

/// <summary>
/// Leases as Redis keys: taken with <c>SET key token NX PX duration</c> (so a dead holder's lease lapses with the key),
/// released by a script that deletes the key only for the token that took it and announces the release on
/// <c>{KeyPrefix}lease-released</c>; waiters wake on that message, and poll the key in case they missed it.
/// </summary>
/// <remarks>
/// Waits run on the system clock, not the host's <see cref="TimeProvider"/>: a lease lapses on Redis' clock, which a
/// host's fake or shifted clock cannot move.
/// </remarks>
internal sealed class RedisLeaseProvider : IDistributedLeaseProvider, IDisposable
{
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], KEYS[1])
          return 1
        end
        return 0
        """;

    private readonly RedisConnection _redis;
    private readonly string _prefix;
    private readonly RedisChannel _released;
    private readonly TimeSpan _poll;
    private readonly ILogger<RedisLeaseProvider> _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly Lazy<Task> _subscribed;
    private ChannelMessageQueue? _queue;

    public RedisLeaseProvider(RedisConnection redis, IOptions<PhoneHubRedisOptions> options, ILogger<RedisLeaseProvider> logger)
    {
        _redis = redis;
        _logger = logger;
        _prefix = options.Value.KeyPrefix + "lease:";
        _released = RedisChannel.Literal(options.Value.KeyPrefix + "lease-released");
        _poll = options.Value.LeasePollInterval;
        _subscribed = new(SubscribeAsync);
    }

    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var database = await _redis.DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var key = _prefix + name;
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var taken = await database.StringSetAsync(key, token, duration, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false);
        return taken ? new Lease(this, key, token) : null;
    }

    public async ValueTask WaitForReleaseAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = _prefix + name;
        await _subscribed.Value.WaitAsync(cancellationToken).ConfigureAwait(false);

        // Registered before the key is checked, so a release between the check and the wait is not missed.
        var released = _waiters.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        var database = await _redis.DatabaseAsync(cancellationToken).ConfigureAwait(false);
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (await database.KeyExistsAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            var left = TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var poll = Task.Delay(left < _poll ? left : _poll, TimeProvider.System, stop.Token);
            var first = await Task.WhenAny(released, poll).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == released)
            {
                return;
            }
        }
    }

    public void Dispose() => _queue?.Unsubscribe(CommandFlags.FireAndForget);

    private async Task SubscribeAsync()
    {
        try
        {
            var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(_released).ConfigureAwait(false);
            queue.OnMessage(message =>
            {
                if ((string?)message.Message is { } key && _waiters.TryRemove(key, out var waiter))
                {
                    waiter.TrySetResult();
                }
            });
            _queue = queue;
        }
        catch (Exception ex)
        {
            // Waiters still poll the key: slower, never wrong.
            RedisLog.SubscribeFailed(_logger, ex, "lease-released");
        }
    }

    private async ValueTask ReleaseAsync(string key, string token)
    {
        var database = await _redis.DatabaseAsync().ConfigureAwait(false);
        await database.ScriptEvaluateAsync(ReleaseScript, [key], [token, _released.ToString()]).ConfigureAwait(false);
    }

    private sealed class Lease(RedisLeaseProvider owner, string key, string token) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _released, 1) == 0 ? owner.ReleaseAsync(key, token) : ValueTask.CompletedTask;
    }
}
