using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Messaging;

public class SmsServiceTests
{
    private PhoneHubTestHost _host = null!;
    private ISmsProvider _provider = null!;

    [SetUp]
    public void SetUp()
    {
        _provider = Substitute.For<ISmsProvider>();
        _provider.Name.Returns("fake");
        _provider.Definition.Returns(new FakeProvider().Definition);
        _host = PhoneHubTestHost.Create(configureServices: s => s.AddSingleton(_provider));
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private async Task<PhoneConfig> AddConfigAsync(string? group = null, bool testMode = false, string provider = "fake", string? from = "+14155550100") =>
        (await _host.Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = group ?? "default",
            Group = group,
            Provider = provider,
            TestMode = testMode,
            IsActive = true,
            Settings = from is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["from_number"] = from },
        })).Config;

    private static SmsStatusReport Report(string id, SmsStatus status, string? errorCode = null) =>
        new() { Provider = "fake", ProviderMessageId = id, Status = status, ErrorCode = errorCode };

    [Test]
    public async Task SendAsync_MessageIsStoredAsQueuedBeforeProviderIsCalled()
    {
        await AddConfigAsync();
        SmsMessage? seenByProvider = null;
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                seenByProvider = await _host.Get<ISmsStore>().GetAsync(call.Arg<SmsSendRequest>().MessageId);
                return new SmsSendResult { ProviderMessageId = "P1", Status = SmsStatus.Queued, Segments = 2, Price = -0.0079m, PriceUnit = "USD" };
            });

        var message = await _host.Hub.SendSmsAsync("(415) 555-1234", "hello", group: null, user: "u1");

        Assert.That(seenByProvider, Is.Not.Null, "the row exists when the provider is called");
        Assert.That(seenByProvider!.Status, Is.EqualTo(SmsStatus.Queued));
        Assert.That(seenByProvider.To, Is.EqualTo("+14155551234"));
        var stored = await _host.Get<ISmsStore>().GetAsync(message.Id);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Queued));
            Assert.That(stored.ProviderMessageId, Is.EqualTo("P1"));
            Assert.That(stored.Provider, Is.EqualTo("fake"));
            Assert.That(stored.Segments, Is.EqualTo(2));
            Assert.That(stored.Price, Is.EqualTo(-0.0079m));
            Assert.That(stored.PriceUnit, Is.EqualTo("USD"));
            Assert.That(stored.User, Is.EqualTo("u1"));
            Assert.That(stored.From, Is.EqualTo("+14155550100"));
            Assert.That(stored.SentAt, Is.EqualTo(PhoneHubTestHost.Start));
            Assert.That(stored.IsTest, Is.False);
        });
    }

    [Test]
    public async Task SendAsync_ProviderThrowsProviderException_LeavesFailedRowWithError()
    {
        await AddConfigAsync();
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new SmsProviderException("21211", "The 'To' number is not a valid phone number."));

        var message = await _host.Hub.SendSmsAsync("+14155551234", "hello");

        var stored = await _host.Get<ISmsStore>().GetAsync(message.Id);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Failed));
        Assert.That(stored.ErrorCode, Is.EqualTo("21211"));
        Assert.That(stored.ErrorMessage, Does.Contain("not a valid phone number"));
        Assert.That(stored.SentAt, Is.Null);
    }

    [Test]
    public async Task SendAsync_ProviderCrashes_LeavesFailedRowWithoutExceptionText()
    {
        await AddConfigAsync();
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new InvalidOperationException("secret-ish internals"));

        var message = await _host.Hub.SendSmsAsync("+14155551234", "hello");

        var stored = await _host.Get<ISmsStore>().GetAsync(message.Id);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Failed));
        Assert.That(stored.ErrorCode, Is.EqualTo("provider_error"));
        Assert.That(stored.ErrorMessage, Does.Not.Contain("secret-ish"));
    }

    [Test]
    public async Task SendAsync_CanceledDuringProviderCall_RecordsOutcomeUnknownAndRethrows()
    {
        await AddConfigAsync();
        using var cts = new CancellationTokenSource();
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                await cts.CancelAsync();
                call.Arg<CancellationToken>().ThrowIfCancellationRequested();
                return new SmsSendResult { ProviderMessageId = "never" };
            });

        Assert.That(async () => await _host.Hub.SendSmsAsync("+14155551234", "hello", cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
        var page = await _host.Get<ISmsStore>().ListAsync(new SmsQuery());
        Assert.That(page.Items.Single().Status, Is.EqualTo(SmsStatus.Failed));
        Assert.That(page.Items.Single().ErrorCode, Is.EqualTo("outcome_unknown"));
    }

    [Test]
    public async Task SendAsync_TestMode_NeverCallsProvider()
    {
        await AddConfigAsync(testMode: true);
        var message = await _host.Hub.SendSmsAsync("+14155551234", "hello");

        await _provider.DidNotReceiveWithAnyArgs().SendAsync(default!, default!, default);
        Assert.That(message.IsTest, Is.True);
        Assert.That(message.Provider, Is.EqualTo(PhoneProviders.Test));
        Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
        Assert.That(message.ProviderMessageId, Does.StartWith("TEST"));
    }

    [Test]
    public async Task SendAsync_GroupConfig_WinsOverSystemDefault()
    {
        await AddConfigAsync(group: null, testMode: true);
        await AddConfigAsync(group: "acme", provider: "fake", from: "+14155550101");
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns(new SmsSendResult { ProviderMessageId = "P2" });

        var acme = await _host.Hub.SendSmsAsync("+14155551234", "hi", group: "acme");
        var other = await _host.Hub.SendSmsAsync("+14155551234", "hi", group: "globex");

        Assert.That(acme.Provider, Is.EqualTo("fake"));
        Assert.That(acme.Group, Is.EqualTo("acme"));
        Assert.That(other.Provider, Is.EqualTo(PhoneProviders.Test), "a group without a config falls back to the system default");
        Assert.That(other.Group, Is.EqualTo("globex"));
    }

    [Test]
    public async Task SendAsync_NoConfig_ThrowsClearErrorAndStoresNothing()
    {
        var ex = Assert.ThrowsAsync<PhoneConfigNotFoundException>(() => _host.Hub.SendSmsAsync("+14155551234", "hi", group: "acme"))!;
        Assert.That(ex.Message, Does.Contain("acme").And.Contain("system default"));
        Assert.That((await _host.Get<ISmsStore>().ListAsync(new SmsQuery { AllGroups = true })).TotalCount, Is.Zero);
    }

    [Test]
    public async Task SendAsync_ProviderNotRegistered_ThrowsClearError()
    {
        // A config written by a host that registered Twilio, read by one that does not (configs are validated on
        // write, so this is the only way a config can name a provider the host lacks).
        var services = new ServiceCollection().AddLogging();
        services.AddPhoneHub(o => { o.EncryptionKeyEnvironmentVariable = null; }).UseSqlite(_host.Db.ConnectionString).AddTwilio();
        await using (var writer = services.BuildServiceProvider())
        {
            await writer.GetRequiredService<IPhoneConfigService>().CreateAsync(new PhoneConfig
            {
                Name = "twilio",
                Provider = PhoneProviders.Twilio,
                IsActive = true,
                Settings = new Dictionary<string, string> { ["from_number"] = "+14155550100" },
            });
        }

        var ex = Assert.ThrowsAsync<ProviderNotRegisteredException>(() => _host.Hub.SendSmsAsync("+14155551234", "hi"))!;
        Assert.That(ex.Message, Does.Contain("AddTwilio"));
    }

    [Test]
    public async Task SendAsync_InvalidInputs_ThrowTypedErrors()
    {
        await AddConfigAsync(testMode: true);
        Assert.ThrowsAsync<InvalidPhoneNumberException>(() => _host.Hub.SendSmsAsync("020 7946 0958", "hi"));
        var tooLong = Assert.ThrowsAsync<PhoneHubValidationException>(() => _host.Hub.SendSmsAsync("+14155551234", new string('a', 1601)))!;
        Assert.That(tooLong.Errors.Keys, Is.EquivalentTo(new[] { "body" }));
        Assert.ThrowsAsync<PhoneHubValidationException>(() => _host.Hub.SendSmsAsync("+14155551234", ""));
        var badMedia = Assert.ThrowsAsync<PhoneHubValidationException>(() => _host.Hub.SendSmsAsync(new SendSmsRequest { To = "+14155551234", Body = "x", MediaUrls = ["file:///etc/passwd"] }))!;
        Assert.That(badMedia.Errors.Keys, Is.EquivalentTo(new[] { "media_urls" }));
        Assert.ThrowsAsync<PhoneHubValidationException>(() => _host.Hub.SendSmsAsync(new SendSmsRequest { To = "+14155551234", Body = "x", From = "not a sender!!" }));
        Assert.That((await _host.Get<ISmsStore>().ListAsync(new SmsQuery())).TotalCount, Is.Zero);
    }

    [Test]
    public async Task SendAsync_ProviderGetsDecryptedCredentials()
    {
        var config = await AddConfigAsync();
        await _host.Hub.Configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio("AC123", "token-xyz"));
        ProviderContext? seen = null;
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Do<ProviderContext>(c => seen = c), Arg.Any<CancellationToken>())
            .Returns(new SmsSendResult { ProviderMessageId = "P3" });

        await _host.Hub.SendSmsAsync("+14155551234", "hi");

        Assert.That(seen!.Credentials!.Get(ProviderCredentials.TwilioAuthToken), Is.EqualTo("token-xyz"));
    }

    [Test]
    public async Task HandleIncomingAsync_SameProviderId_StoredOnceAndAssignedToOwningGroup()
    {
        await AddConfigAsync(group: "acme", from: "+14155550100");
        var incoming = new IncomingSms { Provider = "twilio", ProviderMessageId = "SM1", From = "+14155551234", To = "+1 (415) 555-0100", Body = "hi" };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _host.Hub.HandleIncomingSmsAsync(incoming))));

        Assert.That(results.Count(r => r.Created), Is.EqualTo(1));
        Assert.That(results.Select(r => r.Message.Id).Distinct().Count(), Is.EqualTo(1));
        var stored = results[0].Message;
        Assert.That(stored.Group, Is.EqualTo("acme"));
        Assert.That(stored.Direction, Is.EqualTo(SmsDirection.Inbound));
        Assert.That(stored.Status, Is.EqualTo(SmsStatus.Received));
        Assert.That(stored.To, Is.EqualTo("+14155550100"));
        Assert.That((await _host.Get<ISmsStore>().ListAsync(new SmsQuery { AllGroups = true })).TotalCount, Is.EqualTo(1));
    }

    [Test]
    public async Task ApplyStatusAsync_OnlyMovesForward()
    {
        await AddConfigAsync();
        _provider.SendAsync(Arg.Any<SmsSendRequest>(), Arg.Any<ProviderContext>(), Arg.Any<CancellationToken>())
            .Returns(new SmsSendResult { ProviderMessageId = "SMX", Status = SmsStatus.Queued });
        var message = await _host.Hub.SendSmsAsync("+14155551234", "hi");
        var sms = _host.Get<ISmsService>();

        Assert.That(await sms.ApplyStatusAsync(Report("SMX", SmsStatus.Delivered)), Is.EqualTo(StatusUpdateOutcome.Updated));
        Assert.That(await sms.ApplyStatusAsync(Report("SMX", SmsStatus.Sent)), Is.EqualTo(StatusUpdateOutcome.Ignored));
        Assert.That(await sms.ApplyStatusAsync(Report("SMX", SmsStatus.Undelivered, "30003")), Is.EqualTo(StatusUpdateOutcome.Ignored));
        Assert.That(await sms.ApplyStatusAsync(Report("unknown", SmsStatus.Sent)), Is.EqualTo(StatusUpdateOutcome.NotFound));

        var stored = await sms.GetAsync(message.Id);
        Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Delivered));
        Assert.That(stored.DeliveredAt, Is.EqualTo(PhoneHubTestHost.Start));
        Assert.That(stored.ErrorCode, Is.Null);
    }

    [TestCase(SmsStatus.Queued, SmsStatus.Sent, true)]
    [TestCase(SmsStatus.Sent, SmsStatus.Delivered, true)]
    [TestCase(SmsStatus.Delivered, SmsStatus.Sent, false)]
    [TestCase(SmsStatus.Delivered, SmsStatus.Read, true)]
    [TestCase(SmsStatus.Failed, SmsStatus.Delivered, false)]
    [TestCase(SmsStatus.Undelivered, SmsStatus.Delivered, false)]
    [TestCase(SmsStatus.Sent, SmsStatus.Sent, false)]
    [TestCase(SmsStatus.Accepted, SmsStatus.Queued, false)]
    public void CanMoveTo_FollowsLifecycle(SmsStatus from, SmsStatus to, bool allowed) =>
        Assert.That(from.CanMoveTo(to), Is.EqualTo(allowed));

    [TestCase("hello", 1)]
    [TestCase("", 1)]
    public void CountSegments_Short_IsOne(string body, int expected) => Assert.That(SmsEncoding.CountSegments(body), Is.EqualTo(expected));

    [Test]
    public void CountSegments_Gsm7AndUcs2Limits()
    {
        Assert.That(SmsEncoding.CountSegments(new string('a', 160)), Is.EqualTo(1));
        Assert.That(SmsEncoding.CountSegments(new string('a', 161)), Is.EqualTo(2));
        Assert.That(SmsEncoding.CountSegments(new string('a', 306)), Is.EqualTo(2));
        Assert.That(SmsEncoding.CountSegments(new string('a', 307)), Is.EqualTo(3));
        Assert.That(SmsEncoding.CountSegments(new string('€', 80)), Is.EqualTo(1), "extension characters take two septets");
        Assert.That(SmsEncoding.CountSegments(new string('€', 81)), Is.EqualTo(2));
        Assert.That(SmsEncoding.CountSegments(new string('é', 160)), Is.EqualTo(1), "é is in the GSM basic table");
        Assert.That(SmsEncoding.CountSegments(new string('ş', 70)), Is.EqualTo(1));
        Assert.That(SmsEncoding.CountSegments(new string('ş', 71)), Is.EqualTo(2));
        Assert.That(SmsEncoding.CountSegments("hi 👋"), Is.EqualTo(1));
        Assert.That(SmsEncoding.IsGsm7("hi 👋"), Is.False);
    }
}
