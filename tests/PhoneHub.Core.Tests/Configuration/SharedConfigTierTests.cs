using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Configuration;

/// <summary>Config resolutions cached in a distributed cache that two hosts of one deployment share.</summary>
public class SharedConfigTierTests
{
    private SharedDistributedCache _cache = null!;
    private PhoneHubTestHost _a = null!;
    private PhoneHubTestHost _b = null!;

    [SetUp]
    public void SetUp()
    {
        _cache = new SharedDistributedCache();
        _a = Host();
        _b = Host(_a);
    }

    [TearDown]
    public void TearDown()
    {
        _b.Dispose();
        _a.Dispose();
    }

    private PhoneHubTestHost Host(PhoneHubTestHost? first = null) =>
        PhoneHubTestHost.Create(configureServices: s => s.AddSingleton<IDistributedCache>(_cache), sameDeploymentAs: first);

    private async Task<PhoneConfig> AddAsync(PhoneConfig config) => (await _a.Hub.Configs.CreateAsync(config with { IsActive = true })).Config;

    [Test]
    public async Task TryResolveAsync_OtherHost_ReadsTheResolutionTheFirstHostShared()
    {
        await AddAsync(new PhoneConfig { Name = "acme", Group = "acme" });
        await _a.Hub.Configs.ResolveAsync("acme");

        Assert.That(_cache.Writes.Keys, Has.Some.EqualTo("phonehub:config:group:acme"));
        var resolved = await _b.Hub.Configs.ResolveAsync("acme");
        Assert.That(resolved.Name, Is.EqualTo("acme"));
    }

    [Test]
    public async Task UpdateAsync_OnOneHost_NoHostReadsTheOldResolutionFromTheSharedTier()
    {
        var acme = await AddAsync(new PhoneConfig { Name = "acme", Group = "acme", TestMode = false });
        await _a.Hub.Configs.ResolveAsync("acme");

        await _a.Hub.Configs.UpdateAsync(acme with { TestMode = true });
        using var c = Host(_a);

        Assert.That((await _a.Hub.Configs.ResolveAsync("acme")).TestMode, Is.True, "the writing host, at once");
        Assert.That((await c.Hub.Configs.ResolveAsync("acme")).TestMode, Is.True, "a host that reads the shared tier, at once");
    }

    [Test]
    public async Task TryResolveAsync_ChangedByAnotherProcessWithoutChannel_IsReadAgainOnceConfigCacheDurationPassed()
    {
        var acme = await AddAsync(new PhoneConfig { Name = "acme", Group = "acme" });
        await _b.Hub.Configs.ResolveAsync("acme");

        // Written by a process that shares the database but tells nobody (no service, no channel).
        await _a.Get<IPhoneConfigStore>().UpdateAsync(acme with { Name = "renamed", Modified = _a.Time.GetUtcNow() });
        _a.Time.Advance(new PhoneHubOptions().ConfigCacheDuration);

        Assert.That((await _b.Hub.Configs.ResolveAsync("acme")).Name, Is.EqualTo("renamed"));
    }

    [Test]
    public async Task TryResolveAsync_GroupsOnTheSharedTier_EachGetsItsOwnConfigAndMode()
    {
        await AddAsync(new PhoneConfig { Name = "system" });
        await AddAsync(new PhoneConfig { Name = "a", Group = "a", TestMode = true });
        await AddAsync(new PhoneConfig { Name = "b", Group = "b", TestMode = false });
        await _a.Hub.Configs.ResolveAsync("a");
        await _a.Hub.Configs.ResolveAsync("b");
        await _a.Hub.Configs.ResolveAsync("nobody");

        var a = await _b.Hub.Configs.ResolveAsync("a");
        var b = await _b.Hub.Configs.ResolveAsync("b");
        var nobody = await _b.Hub.Configs.ResolveAsync("nobody");

        Assert.That((a.Name, a.TestMode), Is.EqualTo(("a", true)));
        Assert.That((b.Name, b.TestMode), Is.EqualTo(("b", false)));
        Assert.That(nobody.Name, Is.EqualTo("system"));
    }

    [Test]
    public async Task FindByIdentityAsync_IdentityNobodyHolds_IsNotCached()
    {
        await AddAsync(new PhoneConfig { Name = "system", Settings = TestSettings.Of(("from_number", "+14155550100")) });

        Assert.That(await _a.Hub.Configs.FindByIdentityAsync("phone_number", "+14155550199"), Is.Null);
        Assert.That(await _a.Hub.Configs.FindByIdentityAsync("phone_number", "+14155550100"), Is.Not.Null);

        Assert.That(_cache.Writes.Keys.Where(k => k.StartsWith("phonehub:config:identity:", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "phonehub:config:identity:phone_number:+14155550100" }));
    }
}
