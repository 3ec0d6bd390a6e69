using Microsoft.Extensions.DependencyInjection;
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
    private FakeProvider _provider = null!;

    private int Calls => _provider.LookupCalls;

    [SetUp]
    public async Task SetUp()
    {
        _provider = new FakeProvider().WithDefaultAnswer();
        _host = CreateHost(_provider);
        await AddConfigAsync(_host, new PhoneConfig { Name = "default", Provider = "fake", LookupCacheDays = 30 });
    }

    private static PhoneHubTestHost CreateHost(FakeProvider provider, Action<PhoneHubOptions>? options = null) =>
        PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), options, s => s.AddSingleton(provider));

    private static async Task<PhoneConfig> AddConfigAsync(PhoneHubTestHost host, PhoneConfig config) =>
        (await host.Hub.Configs.CreateAsync(config with { IsActive = true })).Config;

    [TearDown]
    public void TearDown() => _host.Dispose();

    private IPhoneLookupService Lookups => _host.Get<IPhoneLookupService>();

    [Test]
    public async Task LookupAsync_FirstTime_CallsProviderAndStoresRecord()
    {
        var result = await Lookups.LookupAsync("(415) 555-1234");

        Assert.That(Calls, Is.EqualTo(1));
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

        Assert.That(Calls, Is.EqualTo(1));
        Assert.That(again.LookupCount, Is.EqualTo(1));
    }

    [Test]
    public async Task LookupAsync_MemoryTierOff_ServesFromStoreWithoutProviderCall()
    {
        using var host = CreateHost(_provider, o => o.LookupMemoryCacheSize = 0);
        await AddConfigAsync(host, new PhoneConfig { Name = "default", Provider = "fake" });
        var lookups = host.Get<IPhoneLookupService>();

        await lookups.LookupAsync(Number);
        var second = await lookups.LookupAsync(Number);

        Assert.That(Calls, Is.EqualTo(1));
        Assert.That(second.Carrier, Is.EqualTo("Carrier " + Number));
    }

    [Test]
    public async Task LookupAsync_Expired_CallsProviderAgainAndCounts()
    {
        await Lookups.LookupAsync(Number);
        _host.Time.Advance(TimeSpan.FromDays(30));
        var refreshed = await Lookups.LookupAsync(Number);

        Assert.That(Calls, Is.EqualTo(2));
        Assert.That(refreshed.LookupCount, Is.EqualTo(2));
        Assert.That(refreshed.LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(30)));
        Assert.That(refreshed.Created, Is.EqualTo(PhoneHubTestHost.Start));
    }

    [Test]
    public async Task LookupAsync_ForceRefresh_CallsProviderEvenWhenFresh()
    {
        await Lookups.LookupAsync(Number);
        await Lookups.LookupAsync(Number, forceRefresh: true);
        Assert.That(Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_CacheWindow_ComesFromGroupConfig()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "acme", Group = "acme", Provider = "fake", LookupCacheDays = 2 });
        var result = await Lookups.LookupAsync(Number, group: "acme");
        Assert.That(result.LookupExpiresAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(2)));
    }

    [Test]
    public async Task LookupAsync_64Concurrent_SharesOneProviderCall()
    {
        // The provider holds its answer until every caller has started: whoever arrives joins the one call, or (after it)
        // finds the stored answer. Either way, one provider call.
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, 64).Select(_ => Task.Run(() => Lookups.LookupAsync(Number))).ToArray();
        await _provider.FirstCall;
        _provider.Gate.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.That(Calls, Is.EqualTo(1));
        Assert.That(results.Select(r => r.E164).Distinct(), Is.EqualTo(new[] { Number }));
        Assert.That(results.All(r => r.LookupCount == 1), Is.True);
    }

    [Test]
    public async Task LookupAsync_1000Over100Numbers_OneProviderCallPerNumber()
    {
        var numbers = Enumerable.Range(0, 100).Select(i => $"+1415555{i:0000}").ToArray();
        var tasks = Enumerable.Range(0, 1000).Select(i => Task.Run(() => Lookups.LookupAsync(numbers[i % 100]))).ToArray();
        await Task.WhenAll(tasks);
        Assert.That(Calls, Is.EqualTo(100));
    }

    [Test]
    public async Task LookupAsync_LookupDisabled_ReturnsMetadataWithoutProviderCall()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "off", Group = "cheap", Provider = "fake", LookupEnabled = false });
        var result = await Lookups.LookupAsync("+447400123456", group: "cheap");

        Assert.That(Calls, Is.EqualTo(0));
        Assert.That(result.LookupProvider, Is.EqualTo(PhoneProviders.Local));
        Assert.That(result.LineType, Is.EqualTo(LineTypes.Mobile));
        Assert.That(result.Carrier, Is.Null);
        Assert.That(result.Region, Is.EqualTo("GB"));
        Assert.That(await _host.Get<IPhoneNumberStore>().FindAsync("+447400123456"), Is.Null);
    }

    [Test]
    public async Task LookupAsync_NoConfigAtAll_ReturnsMetadataOnly()
    {
        using var host = CreateHost(_provider);
        var result = await host.Get<IPhoneLookupService>().LookupAsync(Number);
        Assert.That(result.LookupProvider, Is.EqualTo(PhoneProviders.Local));
        Assert.That(Calls, Is.EqualTo(0));
    }

    [Test]
    public async Task LookupAsync_ProviderWithoutLookupApi_UsesDesignatedLookupConfig()
    {
        // A sender without a lookup API (like SNS): its configs get metadata, unless the host designates a lookup config.
        var snsLike = new FakeProvider("sns-like");
        using var host = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>().AddProvider<SendOnlyProvider>(), configureServices: s => s.AddSingleton(_provider).AddSingleton(new SendOnlyProvider(snsLike)));
        var lookupConfig = await AddConfigAsync(host, new PhoneConfig { Name = "lookups", Group = "lookup-only", Provider = "fake" });
        await AddConfigAsync(host, new PhoneConfig { Name = "sns", Provider = "sns-like", LookupCacheDays = 5 });

        var metadataOnly = await host.Get<IPhoneLookupService>().LookupAsync(Number);
        Assert.That(metadataOnly.LookupProvider, Is.EqualTo(PhoneProviders.Local));

        using var designated = PhoneHubTestHost.Create(
            b => b.AddProvider<FakeProvider>().AddProvider<SendOnlyProvider>(),
            o => o.LookupConfigId = 1,
            s => s.AddSingleton(_provider).AddSingleton(new SendOnlyProvider(snsLike)));
        await AddConfigAsync(designated, new PhoneConfig { Name = "lookups", Group = "lookup-only", Provider = "fake" });
        await AddConfigAsync(designated, new PhoneConfig { Name = "sns", Provider = "sns-like", LookupCacheDays = 5 });
        var viaLookupConfig = await designated.Get<IPhoneLookupService>().LookupAsync(Number);
        Assert.That(viaLookupConfig.LookupProvider, Is.EqualTo("fake"));
        Assert.That(viaLookupConfig.LookupExpiresAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(5)), "the reader's window, not the lookup config's");
        Assert.That(lookupConfig.Id, Is.EqualTo(1));
    }

    [Test]
    public async Task LookupAsync_ProviderFailsForNewNumber_StoresNothingAndSuppressesRetry()
    {
        _provider.Answer = _ => throw new PhoneLookupException("boom", "provider down");

        var first = Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number))!;
        Assert.That(first.ErrorCode, Is.EqualTo("boom"));
        Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number));
        Assert.That(Calls, Is.EqualTo(1), "a failure is not retried inside the negative-cache window");
        Assert.That(await _host.Get<IPhoneNumberStore>().FindAsync(Number), Is.Null);

        _host.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number));
        Assert.That(Calls, Is.EqualTo(2), "after the window the provider is asked again");
    }

    [Test]
    public async Task LookupAsync_ProviderThrowsUnexpected_WrapsInPhoneLookupException()
    {
        _provider.Answer = _ => throw new HttpRequestException("connection refused");
        var ex = Assert.ThrowsAsync<PhoneLookupException>(() => Lookups.LookupAsync(Number))!;
        Assert.That(ex.ErrorCode, Is.EqualTo("lookup_failed"));
        Assert.That(await _host.Get<IPhoneNumberStore>().FindAsync(Number), Is.Null);
    }

    [Test]
    public async Task LookupAsync_RefreshFailsForKnownNumber_ReturnsStoredRecord()
    {
        await Lookups.LookupAsync(Number);
        _provider.Answer = _ => throw new PhoneLookupException("boom", "provider down");

        var stale = await Lookups.LookupAsync(Number, forceRefresh: true);
        Assert.That(stale.Carrier, Is.EqualTo("Carrier " + Number));
        Assert.That(stale.LookupCount, Is.EqualTo(1));
    }

    [Test]
    public void LookupAsync_InvalidNumber_ThrowsTypedError()
    {
        Assert.ThrowsAsync<PhoneHub.Normalization.InvalidPhoneNumberException>(() => Lookups.LookupAsync("020 7946 0958"));
        Assert.That(Calls, Is.EqualTo(0));
    }

    [Test]
    public async Task LookupAsync_TestModeConfig_AnswersFromMetadataAndStoresNothing()
    {
        using var host = PhoneHubTestHost.Create(b => b.AddTwilio());
        await AddConfigAsync(host, new PhoneConfig { Name = "test", Provider = PhoneProviders.Twilio, TestMode = true });
        var result = await host.Hub.LookupAsync("+18003569377");
        Assert.That(result.LookupProvider, Is.EqualTo(PhoneProviders.Test));
        Assert.That(result.LineType, Is.EqualTo(LineTypes.TollFree));
        Assert.That(result.Carrier, Is.Null);
        Assert.That(await host.Get<IPhoneNumberStore>().FindAsync("+18003569377"), Is.Null, "test answers never enter the shared cache");
    }

    [Test]
    public async Task LookupAsync_TestModeAnswer_IsNeverServedToALiveConfig()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "sandbox", Group = "sandbox", Provider = "fake", TestMode = true });
        var test = await Lookups.LookupAsync(Number, group: "sandbox");
        Assert.That(test.LookupProvider, Is.EqualTo(PhoneProviders.Test));

        var live = await Lookups.LookupAsync(Number);
        Assert.That(live.LookupProvider, Is.EqualTo("fake"));
        Assert.That(Calls, Is.EqualTo(1), "the live config paid for its own answer");

        // A test record written by an earlier version (which stored them) is not a live answer either.
        await _host.Get<IPhoneNumberStore>().UpsertAsync(new PhoneNumber
        {
            E164 = "+14155559999", LookupProvider = PhoneProviders.Test, Carrier = "made up", LastLookupAt = PhoneHubTestHost.Start,
            LookupExpiresAt = PhoneHubTestHost.Start.AddDays(30), Created = PhoneHubTestHost.Start, Modified = PhoneHubTestHost.Start,
        });
        Assert.That((await Lookups.LookupAsync("+14155559999")).Carrier, Is.EqualTo("Carrier +14155559999"));
        Assert.That(Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_ReadersCacheDays_DecideFreshness()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "strict", Group = "strict", Provider = "fake", LookupCacheDays = 1 });
        await Lookups.LookupAsync(Number);                         // bought by the 30-day default
        _host.Time.Advance(TimeSpan.FromDays(10));

        Assert.That((await Lookups.LookupAsync(Number)).LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start), "10 days is fresh for a 30-day reader");
        Assert.That(Calls, Is.EqualTo(1));

        var strict = await Lookups.LookupAsync(Number, group: "strict");
        Assert.That(strict.LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(10)), "a 1-day reader is never served a 10-day-old record");
        Assert.That(Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_StricterReaderJoiningASharedLoad_GetsAFreshAnswer()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "strict", Group = "strict", Provider = "fake", LookupCacheDays = 1 });
        await Lookups.LookupAsync(Number);
        _host.Time.Advance(TimeSpan.FromDays(10));

        var answers = await Task.WhenAll(Lookups.LookupAsync(Number, group: "strict"), Lookups.LookupAsync(Number));
        Assert.That(answers[0].LastLookupAt, Is.EqualTo(PhoneHubTestHost.Start.AddDays(10)));
        Assert.That(Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_LookupsDisabled_NeverGetsPaidDataNorJoinsAPaidCall()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "off", Group = "cheap", Provider = "fake", LookupEnabled = false });
        await Lookups.LookupAsync(Number);                        // another group paid for it
        var cheap = await Lookups.LookupAsync(Number, group: "cheap");
        Assert.That(cheap.Carrier, Is.Null);
        Assert.That(cheap.CallerName, Is.Null);
        Assert.That(cheap.LookupProvider, Is.EqualTo(PhoneProviders.Local));

        // While a paid call is in flight, the cheap group answers at once from metadata and buys nothing.
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var paid = Lookups.LookupAsync("+14155550000");
        var other = await Lookups.LookupAsync("+14155550000", group: "cheap");
        Assert.That(other.Carrier, Is.Null);
        _provider.Gate.SetResult();
        Assert.That((await paid).Carrier, Is.Not.Null);
        Assert.That(Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_PayingReader_NeverGetsMetadataOnlyData()
    {
        await AddConfigAsync(_host, new PhoneConfig { Name = "off", Group = "cheap", Provider = "fake", LookupEnabled = false });
        await Lookups.LookupAsync(Number, group: "cheap");
        await _host.Hub.Numbers.SaveAsync("+14155550001", new PhoneNumberPatch { CallerName = "Typed by an admin" });

        Assert.That((await Lookups.LookupAsync(Number)).LookupProvider, Is.EqualTo("fake"));
        var edited = await Lookups.LookupAsync("+14155550001");
        Assert.That(edited.LookupProvider, Is.EqualTo("fake"));
        Assert.That(Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LookupAsync_CallerCancels_OthersStillGetTheSharedResult()
    {
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var canceled = Lookups.LookupAsync(Number, cancellationToken: cts.Token);
        var other = Lookups.LookupAsync(Number);
        await _provider.FirstCall;
        await cts.CancelAsync();
        Assert.That(async () => await canceled, Throws.InstanceOf<OperationCanceledException>());

        _provider.Gate.SetResult();
        Assert.That((await other).Carrier, Is.Not.Null);
        Assert.That(Calls, Is.EqualTo(1));
    }

    /// <summary>A sender without a lookup API, like SNS.</summary>
    private sealed class SendOnlyProvider(FakeProvider inner) : ISmsProvider
    {
        public ProviderDefinition Definition => inner.Definition;

        public Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default) => inner.SendAsync(request, context, cancellationToken);

        public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) => inner.TestConnectionAsync(context, cancellationToken);
    }
}
