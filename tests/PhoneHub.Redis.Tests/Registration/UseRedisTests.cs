using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneHub.Coordination;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Redis.Caching;
using PhoneHub.Redis.Coordination;
using PhoneHub.Redis.Pacing;

namespace PhoneHub.Redis.Tests.Registration;

/// <summary>What <c>UseRedis</c> registers; no server is needed (PhoneHub connects on first use).</summary>
public class UseRedisTests
{
    private static ServiceProvider Build(Action<IServiceCollection>? before = null, Action<PhoneHubRedisOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        before?.Invoke(services);
        services.AddPhoneHub(o => o.EncryptionKeyEnvironmentVariable = null).UseRedis("127.0.0.1:1,abortConnect=false", configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Test]
    public void UseRedis_RegistersTheSharedTierLeasesChannelAndLimiters()
    {
        using var provider = Build();

        Assert.That(provider.GetRequiredService<IDistributedCache>(), Is.InstanceOf<BorrowedRedisCache>());
        Assert.That(provider.GetRequiredService<IDistributedLeaseProvider>(), Is.InstanceOf<RedisLeaseProvider>());
        Assert.That(provider.GetRequiredService<ICacheInvalidationChannel>(), Is.InstanceOf<RedisInvalidationChannel>());
        Assert.That(provider.GetRequiredService<ISendRateLimiterFactory>(), Is.InstanceOf<RedisSendRateLimiterFactory>());
    }

    [Test]
    public void UseRedis_HostHasItsOwnDistributedCache_KeepsIt()
    {
        var own = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        using var provider = Build(s => s.AddSingleton<IDistributedCache>(own));

        Assert.That(provider.GetRequiredService<IDistributedCache>(), Is.SameAs(own));
    }

    [Test]
    public void UseRedis_InvalidOptions_FailValidationNamingTheSetting()
    {
        using var provider = Build(configure: o => o.LeasePollInterval = TimeSpan.Zero);

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<PhoneHubRedisOptions>>().Value);
        Assert.That(error!.Message, Does.Contain("LeasePollInterval"));
    }
}
