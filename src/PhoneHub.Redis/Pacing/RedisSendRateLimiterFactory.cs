using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PhoneHub.Messaging.Dispatch;

namespace PhoneHub.Redis.Pacing;

/// <summary>Send-rate limiters kept in Redis (<c>{KeyPrefix}pace:{key}</c>), so a sender's rate holds for all hosts together.</summary>
internal sealed class RedisSendRateLimiterFactory(RedisConnection redis, IOptions<PhoneHubRedisOptions> options) : ISendRateLimiterFactory
{
    public RateLimiter Create(string key, double segmentsPerSecond) =>
        new RedisSendRateLimiter(redis, options.Value.KeyPrefix + "pace:" + key, segmentsPerSecond);
}
