using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Providers;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Lookup;

public class PhoneLookupServiceTests
{
    private const string Number = "+14155551234";
    private PhoneHubTestHost _host = null!;
    private IPhoneLookupProvider _provider = null!;
    private int _calls;

    [SetUp]
    public async Task SetUp()
    {
        _calls = 0;
        _provider = Substitute.For<IPhoneLookupProvider>();
        _provider.Name.Returns("fake");
        _provider.LookupAsync(Arg.Any<string>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                Interlocked.Increment(ref _calls);
                await Task.Delay(20);
                return new PhoneLookupResult
                {
                    Provider = "fake",
                    IsValid = true,
                    Carrier = "Carrier " + call.ArgAt<string>(0),
                    LineType = LineTypes.Mobile,
                    IsMobile = true,
                    IsVoip = false,
                    CallerName = "Ada",
                    CallerType = CallerType.Consumer,
                    RawData = "{\"raw\":true}",
                };
            });
        _host = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider));
        await _host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "default", Provider = "fake", LookupCacheDays = 30 });
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private IPhoneLookupService Lookups => _host.Get<IPhoneLookupService>();

    [Test]
    public async Task LookupAsync_FirstTime_CallsProviderAndStoresRecord()
    {
        var result = await Lookups.LookupAsync("(415) 555-1234");

        Assert.That(_calls, Is.EqualTo(1));
        Assert.That(result.E164, Is.EqualTo(Number));
        Assert.That(result.Carrier, Is.EqualTo("Carrier " + Number));
        Assert.That(result.LookupCount, Is.EqualTo(1));
        Assert.That(result.LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start));
        Assert.That(result.LookupExpiresAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(30)));
        var stored = await _host.Get<IPhoneNumberStore>().FindAsync(Number);
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.LookupData, Is.EqualTo("{\"raw\":true}"));
        Assert.That(stored.CallerType, Is.EqualTo(CallerType.Consumer));
        Assert.That(stored.Region, Is.EqualTo("US"));
        Assert.That(stored.CountryCode, Is.EqualTo("1"));
    }

    [Test]
    public async Task LookupAsync_CachedAndFresh_DoesNotCallProvider()
    {
        await Lookups.LookupAsync(Number);
        _host.Time.Advance(TimeSpan.FromDays(29));
        var again = await Lookups.LookupAsync("415-555-1234");

        Assert.That(_calls, Is.EqualTo(1));
        Assert.That(again.LookupCount, Is.EqualTo(1));
    }

    [Test]
    public async Task LookupAsync_MemoryTierOff_ServesFromStoreWithoutProviderCall()
    {
        using var host = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider), configureOptions: o => o.LookupMemoryCacheSize = 0);
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "default", Provider = "fake" });
        var lookups = host.Get<IPhoneLookupService>();

        await lookups.LookupAsync(Number);
        var second = await lookups.LookupAsync(Number);

        Assert.That(_calls, Is.EqualTo(1));
        Assert.That(second.Carrier, Is.EqualTo("Carrier " + Number));
    }

    [Test]
    public async Task LookupAsync_Expired_CallsProviderAgainAndCounts()
    {
        await Lookups.LookupAsync(Number);
        _host.Time.Advance(TimeSpan.FromDays(30));
        var refreshed = await Lookups.LookupAsync(Number);

        Assert.That(_calls, Is.EqualTo(2));
        Assert.That(refreshed.LookupCount, Is.EqualTo(2));
        Assert.That(refreshed.LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(30)));
        Assert.That(refreshed.Created, Is.EqualTo(PhoneHubTestHost.Start));
    }

    [Test]
    public async Task LookupAsync_ForceRefresh_CallsProviderEvenWhenFresh()
    {
        await Lookups.LookupAsync(Number);
        await Lookups.LookupAsync(Number, forceRefresh: true);
        Assert.That(_calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_CacheWindow_ComesFromGroupConfig()
    {
        await _host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", Provider = "fake", LookupCacheDays = 2 });
        var result = await Lookups.LookupAsync(Number, group: "acme");
        Assert.That(result.LookupExpiresAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(2)));
    }

    [Test]
    public async Task LookupAsync_64Concurrent_SharesOneProviderCall()
    {
        var tasks = Enumerable.Range(0, 64).Select(_ => Task.Run(() => Lookups.LookupAsync(Number))).ToArray();
        var results = await Task.WhenAll(tasks);

        Assert.That(_calls, Is.EqualTo(1));
        Assert.That(results.Select(r => r.E164).Distinct(), Is.EqualTo(new[] { Number }));
        Assert.That(results.All(r => r.LookupCount == 1), Is.True);
    }

    [Test]
    public async Task LookupAsync_1000Over100Numbers_OneProviderCallPerNumber()
    {
        var numbers = Enumerable.Range(0, 100).Select(i => $"+1415555{i:0000}").ToArray();
        var tasks = Enumerable.Range(0, 1000).Select(i => Task.Run(() => Lookups.LookupAsync(numbers[i % 100]))).ToArray();
        await Task.WhenAll(tasks);
        Assert.That(_calls, Is.EqualTo(100));
    }

    [Test]
    public async Task LookupAsync_LookupDisabled_ReturnsMetadataWithoutProviderCall()
    {
        await _host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "off", Group = "cheap", Provider = "fake", LookupEnabled = false });
        var result = await Lookups.LookupAsync("+447400123456", group: "cheap");

        Assert.That(_calls, Is.EqualTo(0));
        Assert.That(result.LookupProvider, Is.EqualTo(PhoneProviders.Local));
        Assert.That(result.LineType, Is.EqualTo(LineTypes.Mobile));
        Assert.That(result.Carrier, Is.Null);
        Assert.That(result.Region, Is.EqualTo("GB"));
        Assert.That(await _host.Get<IPhoneNumberStore>().FindAsync("+447400123456"), Is.Null);
    }

    [Test]
    public async Task LookupAsync_NoConfigAtAll_ReturnsMetadataOnly()
    {
        using var host = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider));
        var result = await host.Get<IPhoneLookupService>().LookupAsync(Number);
        Assert.That(result.LookupProvider, Is.EqualTo(PhoneProviders.Local));
        Assert.That(_calls, Is.EqualTo(0));
    }

    [Test]
    public async Task LookupAsync_ProviderWithoutLookupApi_UsesDesignatedLookupConfig()
    {
        using var host = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider));
        var lookupConfig = await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "lookups", Group = "lookup-only", Provider = "fake" });
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "sns", Provider = "sns-like", LookupCacheDays = 5 });

        var metadataOnly = await host.Get<IPhoneLookupService>().LookupAsync(Number);
        Assert.That(metadataOnly.LookupProvider, Is.EqualTo(PhoneProviders.Local));

        using var designated = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider), configureOptions: o => o.LookupConfigId = 1);
        await designated.Hub.Configs.CreateAsync(new PhoneConfig { Name = "lookups", Group = "lookup-only", Provider = "fake" });
        await designated.Hub.Configs.CreateAsync(new PhoneConfig { Name = "sns", Provider = "sns-like", LookupCacheDays = 5 });
        var viaTwilio = await designated.Get<IPhoneLookupService>().LookupAsync(Number);
        Assert.That(viaTwilio.LookupProvider, Is.EqualTo("fake"));
        Assert.That(viaTwilio.LookupExpiresAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(5)));
        Assert.That(lookupConfig.Id, Is.EqualTo(1));
    }

    [Test]
    public async Task LookupAsync_ProviderFailsForNewNumber_StoresNothingAndSuppressesRetry()
    {
        _provider.LookupAsync(Arg.Any<string>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns<PhoneLookupResult>(_ => { Interlocked.Increment(ref _calls); throw new PhoneLookupException("boom", "provider down"); });

        var first = Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number))!;
        Assert.That(first.ErrorCode, Is.EqualTo("boom"));
        Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number));
        Assert.That(_calls, Is.EqualTo(1), "a failure is not retried inside the negative-cache window");
        Assert.That(await _host.Get<IPhoneNumberStore>().FindAsync(Number), Is.Null);

        _host.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number));
        Assert.That(_calls, Is.EqualTo(2), "after the window the provider is asked again");
    }

    [Test]
    public async Task LookupAsync_ProviderThrowsUnexpected_WrapsInPhoneLookupException()
    {
        _provider.LookupAsync(Arg.Any<string>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new HttpRequestException("connection refused"));
        var ex = Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number))!;
        Assert.That(ex.ErrorCode, Is.EqualTo("lookup_failed"));
        Assert.That(await _host.Get<IPhoneNumberStore>().FindAsync(Number), Is.Null);
    }

    [Test]
    public async Task LookupAsync_RefreshFailsForKnownNumber_ReturnsStoredRecord()
    {
        await Lookups.LookupAsync(Number);
        _provider.LookupAsync(Arg.Any<string>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new PhoneLookupException("boom", "provider down"));

        var stale = await Lookups.LookupAsync(Number, forceRefresh: true);
        Assert.That(stale.Carrier, Is.EqualTo("Carrier " + Number));
        Assert.That(stale.LookupCount, Is.EqualTo(1));
    }

    [Test]
    public void LookupAsync_InvalidNumber_ThrowsTypedError()
    {
        Assert.ThrowsAsync<PhoneHub.Normalization.InvalidPhoneNumberException>(() => Lookups.LookupAsync("020 7946 0958"));
        Assert.That(_calls, Is.EqualTo(0));
    }

    [Test]
    public async Task LookupAsync_TestModeConfig_UsesMetadataTestProvider()
    {
        using var host = PhoneHubTestHost.Create();
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "test", Provider = PhoneProviders.Twilio, TestMode = true });
        var result = await host.Hub.LookupAsync("+18003569377");
        Assert.That(result.LookupProvider, Is.EqualTo(PhoneProviders.Test));
        Assert.That(result.LineType, Is.EqualTo(LineTypes.TollFree));
        Assert.That(result.Carrier, Is.Null);
        Assert.That(await host.Get<IPhoneNumberStore>().FindAsync("+18003569377"), Is.Not.Null);
    }

    [Test]
    public async Task LookupAsync_CallerCancels_OthersStillGetTheSharedResult()
    {
        using var cts = new CancellationTokenSource();
        var canceled = Lookups.LookupAsync(Number, cancellationToken: cts.Token);
        var other = Lookups.LookupAsync(Number);
        await cts.CancelAsync();

        Assert.That(async () => await canceled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await other).Carrier, Is.Not.Null);
        Assert.That(_calls, Is.EqualTo(1));
    }
}
