using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PhoneHub;
using PhoneHub.Coordination;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Redis;
using PhoneHub.Redis.Caching;
using PhoneHub.Redis.Coordination;
using PhoneHub.Redis.Pacing;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Connects the hosts of a PhoneHub deployment through Redis.</summary>
public static class RedisPhoneHubBuilderExtensions
{
    /// <summary>
    /// Uses the Redis server at <paramref name="configuration"/> for everything PhoneHub's hosts share besides the
    /// store: the shared cache tier (unless the host registered its own <see cref="IDistributedCache"/>), cross-host
    /// cache invalidation, one provider lookup per number across hosts, and send-rate limits for the sum of all hosts.
    /// PhoneHub connects on first use, in the background, and keeps answering from its store while Redis is unreachable.
    /// </summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="configure">Sets <see cref="PhoneHubRedisOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UseRedis(this IPhoneHubBuilder builder, string configuration, Action<PhoneHubRedisOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return UseRedisCore(builder, _ => new RedisConnection(configuration), configure);
    }

    /// <summary>
    /// Uses the host's Redis connection for everything PhoneHub's hosts share besides the store (see
    /// <see cref="UseRedis(IPhoneHubBuilder, string, Action{PhoneHubRedisOptions}?)"/>). PhoneHub never closes it.
    /// </summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="connection">The host's multiplexer.</param>
    /// <param name="configure">Sets <see cref="PhoneHubRedisOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UseRedis(this IPhoneHubBuilder builder, IConnectionMultiplexer connection, Action<PhoneHubRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return UseRedisCore(builder, _ => new RedisConnection(connection), configure);
    }

    private static IPhoneHubBuilder UseRedisCore(IPhoneHubBuilder builder, Func<IServiceProvider, RedisConnection> connection, Action<PhoneHubRedisOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // A second call replaces the connection; options add up, as for AddPhoneHub.
        services.Replace(ServiceDescriptor.Singleton(connection));
        var options = services.AddOptions<PhoneHubRedisOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptionsWithValidateOnStart<PhoneHubRedisOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoneHubRedisOptions>, PhoneHubRedisOptionsValidator>());

        services.TryAddSingleton<RedisInvalidationChannel>();
        services.TryAddSingleton<ICacheInvalidationChannel>(sp => sp.GetRequiredService<RedisInvalidationChannel>());
        services.TryAddSingleton<RedisLeaseProvider>();
        services.TryAddSingleton<IDistributedLeaseProvider>(sp => sp.GetRequiredService<RedisLeaseProvider>());
        services.TryAddSingleton<ISendRateLimiterFactory, RedisSendRateLimiterFactory>();

        // The host's own distributed cache, if it has one, stays the shared tier (registered before or after this call).
        services.TryAddSingleton<IDistributedCache>(sp =>
        {
            var redis = sp.GetRequiredService<RedisConnection>();
            var prefix = sp.GetRequiredService<IOptions<PhoneHubRedisOptions>>().Value.KeyPrefix;
            return new BorrowedRedisCache(new RedisCache(Options.Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = redis.GetAsync,
                InstanceName = prefix + "cache:",
            })));
        });
        return builder;
    }
}
