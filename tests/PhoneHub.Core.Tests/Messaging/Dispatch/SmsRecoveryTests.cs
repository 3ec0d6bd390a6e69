using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Messaging.Dispatch;

/// <summary>
/// What happens to messages a stopped process left behind, and the background dispatcher of a generic host. A process
/// "dies" here by claiming through the store under another owner and never coming back.
/// </summary>
public class SmsRecoveryTests
{
    private const string To = "+14155552671";

    private PhoneHubTestHost _host = null!;
    private FakeProvider _provider = null!;

    [SetUp]
    public async Task SetUp()
    {
        _provider = new FakeProvider();
        _host = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s => s
            .AddSingleton(_provider)
            .Configure<SmsDispatchOptions>(o => o.LeaseDuration = TimeSpan.FromMinutes(1)));
        await _host.Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "Main",
            Provider = "fake",
            IsActive = true,
            Settings = new Dictionary<string, string> { ["from_number"] = "+14155550100" },
        });
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private ISmsService Sms => _host.Get<ISmsService>();

    private ISmsStore Store => _host.Get<ISmsStore>();

    [Test]
    public async Task Recovery_ClaimedButNeverCalled_IsSentAfterTheLeaseLapses()
    {
        var queued = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Hi" });
        var now = _host.Time.GetUtcNow();
        var claimed = await Store.ClaimDueAsync("dead-process", now, now.AddMinutes(1), 10);
        Assert.That(claimed.Select(m => m.Id), Is.EqualTo(new[] { queued.Id }));

        Assert.That(await Sms.DispatchDueAsync(), Is.Zero, "another process holds it while its lease runs");
        _host.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));
        Assert.That(await Sms.DispatchDueAsync(), Is.EqualTo(1));

        var sent = await Sms.GetAsync(queued.Id);
        Assert.Multiple(() =>
        {
            Assert.That(sent!.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(sent.Attempts, Is.EqualTo(1), "the dead process never called the provider");
            Assert.That(_provider.SendCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Recovery_CallInProgressWhenTheProcessDied_EndsOutcomeUnknownAndIsNeverSentAgain()
    {
        var queued = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Hi" });
        var now = _host.Time.GetUtcNow();
        await Store.ClaimDueAsync("dead-process", now, now.AddMinutes(1), 10);
        Assert.That(await Store.StartAttemptAsync(queued.Id, new SmsAttempt("dead-process", "token-1", now.AddMinutes(1)), now), Is.Not.Null);

        _host.Time.Advance(TimeSpan.FromMinutes(2));
        var resolved = await _host.Get<SmsDispatcher>().RecoverAsync(CancellationToken.None);
        await Sms.DispatchDueAsync();

        var message = await Sms.GetAsync(queued.Id);
        Assert.Multiple(() =>
        {
            Assert.That(resolved, Is.EqualTo(1));
            Assert.That(message!.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo(SmsDispatcher.OutcomeUnknown));
            Assert.That(_provider.SendCalls, Is.Zero, "the provider may have it: never sent blindly again");
        });
    }

    [Test]
    public async Task Recovery_TheDeadProcessCompletesLate_IsIgnored()
    {
        var queued = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Hi" });
        var now = _host.Time.GetUtcNow();
        await Store.ClaimDueAsync("slow-process", now, now.AddMinutes(1), 10);
        var started = await Store.StartAttemptAsync(queued.Id, new SmsAttempt("slow-process", "token-1", now.AddMinutes(1)), now);
        _host.Time.Advance(TimeSpan.FromMinutes(2));
        await _host.Get<SmsDispatcher>().RecoverAsync(CancellationToken.None);

        var late = await Store.CompleteAttemptAsync(started! with { Status = SmsStatus.Sent, ProviderMessageId = "late" }, "token-2");

        Assert.That(late, Is.Null, "a completion with a stale token changes nothing");
        Assert.That((await Sms.GetAsync(queued.Id))!.ErrorCode, Is.EqualTo(SmsDispatcher.OutcomeUnknown));
    }

    [Test]
    public async Task BackgroundDispatcher_InAGenericHost_SendsEnqueuedMessages()
    {
        var queued = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Hi" });
        var service = _host.Services.GetServices<IHostedService>().OfType<SmsDispatcherService>().Single();

        await service.StartAsync(CancellationToken.None);
        await _provider.FirstCall.WaitAsync(TimeSpan.FromSeconds(30));
        await service.StopAsync(CancellationToken.None);

        Assert.That(_provider.Sent.Single().Request.MessageId, Is.EqualTo(queued.Id));
    }

    [Test]
    public async Task BackgroundDispatcher_Disabled_EndsAtOnceAndLeavesMessagesQueued()
    {
        var provider = new FakeProvider();
        using var host = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s => s
            .AddSingleton(provider)
            .Configure<SmsDispatchOptions>(o => o.Enabled = false));
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "Main", Provider = "fake", IsActive = true });
        var queued = await host.Get<ISmsService>().EnqueueAsync(new SendSmsRequest { To = To, Body = "Hi" });
        var service = host.Services.GetServices<IHostedService>().OfType<SmsDispatcherService>().Single();

        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        await service.StopAsync(CancellationToken.None);

        Assert.That(provider.SendCalls, Is.Zero);
        Assert.That((await host.Get<ISmsService>().GetAsync(queued.Id))!.Status, Is.EqualTo(SmsStatus.Queued));
    }
}
