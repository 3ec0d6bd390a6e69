using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Coordination;
using StackExchange.Redis;

namespace PhoneHub.Redis.Coordination;

/// <summary>
/// Cache invalidations over one Redis pub/sub channel (<c>{KeyPrefix}invalidate</c>): every host publishes the keys it
/// changed and drops the keys others changed. Messages are handled one at a time, in order, by every subscriber in the
/// order it subscribed. Pub/sub is at most once: a message sent while a host is disconnected is lost to it, which
/// leaves that host's memory entries to expire as they would without a channel.
/// </summary>
internal sealed class RedisInvalidationChannel : ICacheInvalidationChannel, IDisposable
{
    private readonly RedisConnection _redis;
    private readonly RedisChannel _channel;
    private readonly ILogger<RedisInvalidationChannel> _logger;
    private readonly Lock _lock = new();
    private Action<string>[] _subscribers = []; // copied on change, so delivery reads it without a lock
    private Task? _subscribed;
    private ChannelMessageQueue? _queue;

    public RedisInvalidationChannel(RedisConnection redis, IOptions<PhoneHubRedisOptions> options, ILogger<RedisInvalidationChannel> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(options.Value.KeyPrefix + "invalidate");
    }

    /// <summary>Completes once this host receives messages (tests wait for it before publishing).</summary>
    internal Task WhenSubscribed => _subscribed ?? Task.CompletedTask;

    public async ValueTask PublishAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var multiplexer = await _redis.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await multiplexer.GetSubscriber().PublishAsync(_channel, key).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public IDisposable Subscribe(Action<string> onInvalidated)
    {
        ArgumentNullException.ThrowIfNull(onInvalidated);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onInvalidated];
            _subscribed ??= SubscribeAsync();
        }

        return new Subscription(this, onInvalidated);
    }

    public void Dispose() => _queue?.Unsubscribe(CommandFlags.FireAndForget);

    private async Task SubscribeAsync()
    {
        try
        {
            var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(_channel).ConfigureAwait(false);

            // A queue, not a handler: its messages are handled sequentially, in the order they arrived.
            queue.OnMessage(message => Deliver(message.Message));
            _queue = queue;
        }
        catch (Exception ex)
        {
            RedisLog.SubscribeFailed(_logger, ex, "invalidate");
        }
    }

    private void Deliver(RedisValue message)
    {
        if (message.IsNullOrEmpty)
        {
            return;
        }

        var key = (string)message!;
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(key);
            }
            catch (Exception ex)
            {
                RedisLog.InvalidationHandlerFailed(_logger, ex);
            }
        }
    }

    private sealed class Subscription(RedisInvalidationChannel owner, Action<string> subscriber) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._subscribers = [.. owner._subscribers.Where(s => s != subscriber)];
            }
        }
    }
}
