using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Coordination;
using PhoneHub.Lookup;
using PhoneHub.Redis.Coordination;
using PhoneHub.Redis.Tests.Infrastructure;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;
using StackExchange.Redis;

namespace PhoneHub.Redis.Tests.Lookup;

/// <summary>Two hosts of one deployment (one database) connected by a real Redis server.</summary>
public class CrossHostLookupTests
{
    private const string Number = "+14155551234";
    private string _prefix = null!;
    private FakeProvider _provider = null!;
    private ListLoggerProvider _logsB = null!;
    private PhoneHubTestHost _a = null!;
    private PhoneHubTestHost _b = null!;

    [SetUp]
    public async Task SetUp()
    {
        RedisServer.RequireConnectionString();
        _prefix = RedisServer.NewPrefix();
        _provider = new FakeProvider().WithDefaultAnswer();
        _logsB = new ListLoggerProvider();
        _a = RedisServer.Host(_prefix, _provider);
        _b = RedisServer.Host(_prefix, _provider, _a, _logsB);
        await _a.Hub.Configs.CreateAsync(new PhoneConfig { Name = "default", Provider = "fake", LookupCacheDays = 30, IsActive = true });
    }

    [TearDown]
    public void TearDown()
    {
        _b?.Dispose();
        _a?.Dispose();
        _logsB?.Dispose();
    }

    [Test]
    public async Task LookupAsync_64ConcurrentAcrossTwoHosts_OneProviderCall()
    {
        // Host A's first caller takes the lease and is held at the provider; host B's callers then find the lease taken
        // and wait for it (seen in B's log) before the provider answers.
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Task.Run(() => _a.Hub.LookupAsync(Number));
        await _provider.FirstCall.WaitAsync(TimeSpan.FromSeconds(20));
        var rest = Enumerable.Range(1, 63).Select(i => Task.Run(() => (i % 2 == 0 ? _a : _b).Hub.LookupAsync(Number))).ToArray();
        await RedisServer.EventuallyAsync(() => _logsB.Messages.Any(m => m.Contains("holds the lookup lease", StringComparison.Ordinal)), "host B waiting for host A's lease");
        _provider.Gate.SetResult();
        var results = await Task.WhenAll([first, .. rest]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(_provider.LookupCalls, Is.EqualTo(1));
        Assert.That(results.Select(r => (r.E164, r.LookupCount)).Distinct(), Is.EqualTo(new[] { (Number, 1) }));
    }

    [Test]
    public async Task LookupAsync_1000Over100NumbersAcrossTwoHosts_OneProviderCallPerNumber()
    {
        var numbers = Enumerable.Range(0, 100).Select(i => $"+1415555{i:0000}").ToArray();
        var tasks = Enumerable.Range(0, 1000).Select(i => Task.Run(() => (i % 2 == 0 ? _a : _b).Hub.LookupAsync(numbers[i % 100]))).ToArray();

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(_provider.LookupCalls, Is.EqualTo(100));
    }

    [Test]
    public async Task LookupAsync_SecondHost_IsServedFromRedisWithoutProviderCall()
    {
        var bought = await _a.Hub.LookupAsync(Number);

        // Gone from the store behind the tiers' back: only Redis can still answer host B without a purchase.
        await _a.Get<IPhoneNumberStore>().DeleteAsync(bought.Id);
        var served = await _b.Hub.LookupAsync(Number);

        Assert.That(_provider.LookupCalls, Is.EqualTo(1));
        Assert.That(served.Carrier, Is.EqualTo(bought.Carrier));
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisServer.RequireConnectionString());
        Assert.That(await redis.GetDatabase().KeyExistsAsync(_prefix + "cache:phonehub:lookup:" + Number), Is.True);
    }

    [Test]
    public async Task SaveAsync_OnOneHost_OtherHostDropsItsMemoryEntryAtOnce()
    {
        await _a.Hub.LookupAsync(Number);
        await _b.Hub.LookupAsync(Number);
        Assert.That(_b.Get<LookupMemoryCache>().TryGet(Number, _b.Time.GetUtcNow().UtcTicks, out _), Is.True);

        // Host B's cache subscribed first; this test's subscriber runs after it for the same message.
        var channel = _b.Get<RedisInvalidationChannel>();
        await channel.WhenSubscribed;
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = _b.Get<ICacheInvalidationChannel>().Subscribe(key =>
        {
            if (key == "lookup:" + Number)
            {
                delivered.TrySetResult();
            }
        });
        await _a.Get<RedisInvalidationChannel>().WhenSubscribed;

        await _a.Hub.Numbers.SaveAsync(Number, new PhoneNumberPatch { Carrier = "Edited" });
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(_b.Get<LookupMemoryCache>().TryGet(Number, _b.Time.GetUtcNow().UtcTicks, out _), Is.False);
        Assert.That((await _b.Hub.LookupAsync(Number)).Carrier, Is.EqualTo("Edited"));
        Assert.That(_provider.LookupCalls, Is.EqualTo(1));
    }
}
