using Microsoft.Extensions.Logging;

namespace PhoneHub.Redis;

/// <summary>Every log line the Redis package writes, with stable event ids (no keys, numbers or secrets).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(200, LogLevel.Warning, "PhoneHub could not subscribe to its Redis channel {Channel}; other hosts' changes reach this host only when its entries expire.")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(201, LogLevel.Error, "A PhoneHub cache invalidation handler failed.")]
    public static partial void InvalidationHandlerFailed(ILogger logger, Exception exception);
}
