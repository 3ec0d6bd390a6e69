using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Lookup;

/// <summary>
/// Two hosts of one deployment (own containers and memory tiers; one database, one clock) sharing one distributed
/// cache, the way two web servers share Redis.
/// </summary>
public class SharedLookupTierTests
{
    private const string Number = "+14155551234";
    private const string SharedKey = "phonehub:lookup:" + Number;
    private FakeProvider _provider = null!;
    private SharedDistributedCache _cache = null!;
    private PhoneHubTestHost _a = null!;
    private PhoneHubTestHost _b = null!;

    [SetUp]
    public async Task SetUp()
    {
        _provider = new FakeProvider().WithDefaultAnswer();
        _cache = new SharedDistributedCache();
        _a = Host();
        _b = Host(_a);
        await AddConfigAsync(new PhoneConfig { Name = "default", Provider = "fake", LookupCacheDays = 30 });
    }

    [TearDown]
    public void TearDown()
    {
        _b.Dispose();
        _a.Dispose();
    }

    private PhoneHubTestHost Host(PhoneHubTestHost? first = null, Action<PhoneHubOptions>? options = null) =>
        PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), options, s =>
        {
            s.AddSingleton(_provider);
            s.AddSingleton<IDistributedCache>(_cache);
        }, sameDeploymentAs: first);

    private async Task AddConfigAsync(PhoneConfig config) => await _a.Hub.Configs.CreateAsync(config with { IsActive = true });

    [Test]
    public async Task LookupAsync_OtherHostBoughtIt_ServedFromSharedTierWithoutProviderCall()
    {
        var bought = await _a.Hub.LookupAsync(Number);

        // Gone from the store behind the tiers' back: only the shared tier can still answer host B without a purchase.
        await _a.Get<IPhoneNumberStore>().DeleteAsync(bought.Id);
        var served = await _b.Hub.LookupAsync(Number);

        Assert.That(_provider.LookupCalls, Is.EqualTo(1));
        Assert.That(served.Carrier, Is.EqualTo("Carrier " + Number));
        Assert.That(served.LastLookupAt, Is.EqualTo(bought.LastLookupAt));
    }

    [Test]
    public async Task SaveAsync_ThroughNumberService_DropsTheSharedEntrySoNoHostReadsTheOldRecord()
    {
        await _a.Hub.LookupAsync(Number);
        Assert.That(_cache.Contains(SharedKey), Is.True);

        await _a.Hub.Numbers.SaveAsync(Number, new PhoneNumberPatch { Carrier = "Edited" });
        Assert.That(_cache.Contains(SharedKey), Is.False);

        using var c = Host(_a);
        var read = await c.Hub.LookupAsync(Number);

        Assert.That(read.Carrier, Is.EqualTo("Edited"));
        Assert.That(_provider.LookupCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task DeleteAsync_ThroughNumberService_DropsTheSharedEntry()
    {
        var bought = await _a.Hub.LookupAsync(Number);

        await _a.Hub.Numbers.DeleteAsync(bought.Id);

        Assert.That(_cache.Contains(SharedKey), Is.False);
        await _b.Hub.LookupAsync(Number);
        Assert.That(_provider.LookupCalls, Is.EqualTo(2), "nothing left to serve it: host B buys it again");
    }

    [TestCase(1, 3 * 24, 24)]
    [TestCase(30, 1, 1)]
    [TestCase(2, 48, 48)]
    public async Task LookupAsync_SharedEntry_LivesNoLongerThanTheRecordsLookupExpiry(int cacheDays, int sharedHours, int expectedHours)
    {
        using var a = Host(options: o => o.LookupSharedCacheDuration = TimeSpan.FromHours(sharedHours));
        await a.Hub.Configs.CreateAsync(new PhoneConfig { Name = "window", Provider = "fake", LookupCacheDays = cacheDays, IsActive = true });

        var bought = await a.Hub.LookupAsync(Number);

        var written = _cache.Writes[SharedKey].AbsoluteExpirationRelativeToNow;
        Assert.That(written, Is.EqualTo(TimeSpan.FromHours(expectedHours)));
        Assert.That(PhoneHubTestHost.Start + written, Is.LessThanOrEqualTo(bought.LookupExpiresAt!.Value));
    }

    [Test]
    public async Task LookupAsync_ReaderWithShorterWindowOnOtherHost_BuysAFreshAnswerInsteadOfTheSharedOne()
    {
        await AddConfigAsync(new PhoneConfig { Name = "short", Group = "short", Provider = "fake", LookupCacheDays = 1 });
        await _a.Hub.LookupAsync(Number);
        _a.Time.Advance(TimeSpan.FromDays(2));

        var fresh = await _b.Hub.LookupAsync(Number, group: "short");

        Assert.That(_provider.LookupCalls, Is.EqualTo(2));
        Assert.That(fresh.LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(2)));
    }

    [Test]
    public async Task LookupAsync_LookupsOffGroupOnOtherHost_GetsMetadataNotTheSharedPaidAnswer()
    {
        await AddConfigAsync(new PhoneConfig { Name = "cheap", Group = "cheap", Provider = "fake", LookupEnabled = false });
        await _a.Hub.LookupAsync(Number);

        var answer = await _b.Hub.LookupAsync(Number, group: "cheap");

        Assert.That(answer.LookupProvider, Is.EqualTo(PhoneProviders.Local));
        Assert.That(answer.Carrier, Is.Null);
        Assert.That(_provider.LookupCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task LookupAsync_TestModeGroupOnOtherHost_IsNeverSharedWithPayingGroups()
    {
        await AddConfigAsync(new PhoneConfig { Name = "sandbox", Group = "sandbox", Provider = "fake", TestMode = true });

        var test = await _b.Hub.LookupAsync(Number, group: "sandbox");
        var paid = await _a.Hub.LookupAsync(Number);

        Assert.That(test.LookupProvider, Is.EqualTo(PhoneProviders.Test));
        Assert.That(paid.LookupProvider, Is.EqualTo("fake"));
        Assert.That(_provider.LookupCalls, Is.EqualTo(1), "the paying group bought its own answer; the test one was not stored or shared");
    }

    [Test]
    public async Task LookupAsync_WithoutDistributedCache_UsesNoSharedTier()
    {
        using var alone = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s => s.AddSingleton(_provider));
        await alone.Hub.Configs.CreateAsync(new PhoneConfig { Name = "default", Provider = "fake", IsActive = true });

        await alone.Hub.LookupAsync(Number);

        Assert.That(alone.Get<SharedLookupCache>().Enabled, Is.False);
        Assert.That(_cache.Writes.Keys, Has.None.StartWith("phonehub:lookup:"));
    }
}
