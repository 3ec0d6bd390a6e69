using System.Collections.Concurrent;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneHub.Tests.Messaging.Dispatch;

/// <summary>The send pipeline as callers see it: idempotency, scheduling, cancelation and bulk sends, on a real SQLite file.</summary>
public class SmsPipelineTests
{
    private const string To = "+14155552671";

    private PhoneHubTestHost _host = null!;
    private FakeProvider _provider = null!;

    [SetUp]
    public void SetUp()
    {
        _provider = new FakeProvider();
        _host = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s => s.AddSingleton(_provider));
    }

    [TearDown]
    public void TearDown() => _host.Dispose();

    private ISmsService Sms => _host.Get<ISmsService>();

    private async Task<PhoneConfig> ConfigAsync(string? group = null, string from = "+14155550100") => (await _host.Hub.Configs.CreateAsync(new PhoneConfig
    {
        Name = from,
        Group = group,
        Provider = "fake",
        IsActive = true,
        Settings = new Dictionary<string, string> { ["from_number"] = from },
    })).Config;

    [Test]
    public async Task EnqueueAsync_TwentyConcurrentRequestsWithOneKey_OneMessageOneProviderCall()
    {
        await ConfigAsync();
        var request = new SendSmsRequest { To = To, Body = "Your order shipped", IdempotencyKey = "order-1001-shipped" };

        var messages = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Sms.EnqueueAsync(request))));
        await Sms.DispatchDueAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(messages.Select(m => m.Id).Distinct().Count(), Is.EqualTo(1));
            Assert.That((await Sms.ListAsync(new SmsQuery { AllGroups = true })).Items, Has.Count.EqualTo(1));
            Assert.That(_provider.SendCalls, Is.EqualTo(1));
            Assert.That((await Sms.GetAsync(messages[0].Id))!.Status, Is.EqualTo(SmsStatus.Sent));
        });
    }

    [Test]
    public async Task SendAsync_TwentyConcurrentRequestsWithOneKey_OneMessageOneProviderCall()
    {
        await ConfigAsync();
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new SendSmsRequest { To = To, Body = "Your code is 123456", IdempotencyKey = "signup-42" };

        var sends = Enumerable.Range(0, 20).Select(_ => Task.Run(() => Sms.SendAsync(request))).ToList();
        await _provider.FirstCall;

        // Retries that arrive while the first send is at the provider get the message as it stands, and call nobody.
        var early = await Task.WhenAll(sends.Where(s => s.IsCompleted).Concat([Task.Run(() => Sms.SendAsync(request))]));
        _provider.Gate.SetResult();
        var all = await Task.WhenAll(sends);

        Assert.Multiple(() =>
        {
            Assert.That(all.Concat(early).Select(m => m.Id).Distinct().Count(), Is.EqualTo(1));
            Assert.That(_provider.SendCalls, Is.EqualTo(1));
            Assert.That(all.Count(m => m.Status == SmsStatus.Sent), Is.GreaterThanOrEqualTo(1), "the caller that sent gets the final message");
        });
        Assert.That(await Sms.SendAsync(request), Has.Property(nameof(SmsMessage.Status)).EqualTo(SmsStatus.Sent), "a later retry sees the outcome");
        Assert.That(_provider.SendCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task EnqueueAsync_UsedKeyWithAnotherBody_IsAConflictAndSendsNothingMore()
    {
        await ConfigAsync();
        var first = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "A", IdempotencyKey = "k1" });

        var ex = Assert.ThrowsAsync<IdempotencyConflictException>(() => Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "B", IdempotencyKey = "k1" }));
        await Sms.DispatchDueAsync();

        Assert.Multiple(() =>
        {
            Assert.That(ex!.MessageId, Is.EqualTo(first.Id));
            Assert.That(ex.Key, Is.EqualTo("k1"));
            Assert.That(_provider.SendCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task EnqueueAsync_SameKeyInAnotherGroup_IsAnotherMessage()
    {
        await ConfigAsync("acme", "+14155550100");
        await ConfigAsync("globex", "+14155550101");
        var request = new SendSmsRequest { To = To, Body = "Hi", IdempotencyKey = "k1" };

        var a = await Sms.EnqueueAsync(request, "acme");
        var b = await Sms.EnqueueAsync(request, "globex");

        Assert.That(b.Id, Is.Not.EqualTo(a.Id));
        Assert.That(b.Group, Is.EqualTo("globex"));
    }

    [Test]
    public async Task EnqueueAsync_SendAt_WaitsUntilThenSends()
    {
        await ConfigAsync();
        var at = _host.Time.GetUtcNow().AddHours(1);

        var scheduled = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Reminder", SendAt = at });
        Assert.Multiple(() =>
        {
            Assert.That(scheduled.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(scheduled.SendAt, Is.EqualTo(at));
        });

        _host.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(await Sms.DispatchDueAsync(), Is.Zero);
        Assert.That(_provider.SendCalls, Is.Zero);

        _host.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await Sms.DispatchDueAsync(), Is.EqualTo(1));
        var sent = await Sms.GetAsync(scheduled.Id);
        Assert.Multiple(() =>
        {
            Assert.That(_provider.SendCalls, Is.EqualTo(1));
            Assert.That(sent!.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(sent.SentAt, Is.EqualTo(at));
            Assert.That(sent.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_SendAtInTheFuture_ReturnsScheduledWithoutCallingTheProvider()
    {
        await ConfigAsync();

        var message = await Sms.SendAsync(new SendSmsRequest { To = To, Body = "Later", SendAt = _host.Time.GetUtcNow().AddMinutes(5) });

        Assert.That(message.Status, Is.EqualTo(SmsStatus.Scheduled));
        Assert.That(_provider.SendCalls, Is.Zero);
    }

    [Test]
    public async Task CancelAsync_ScheduledMessage_IsCanceledAndNeverSent()
    {
        await ConfigAsync();
        var scheduled = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Reminder", SendAt = _host.Time.GetUtcNow().AddHours(1) });

        var canceled = await Sms.CancelAsync(scheduled.Id);
        _host.Time.Advance(TimeSpan.FromHours(2));
        await Sms.DispatchDueAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(canceled!.Status, Is.EqualTo(SmsStatus.Canceled));
            Assert.That((await Sms.GetAsync(scheduled.Id))!.Status, Is.EqualTo(SmsStatus.Canceled));
            Assert.That(_provider.SendCalls, Is.Zero);
        });
    }

    [Test]
    public async Task CancelAsync_QueuedMessageNotYetClaimed_IsCanceled()
    {
        await ConfigAsync();
        var queued = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "Now" });

        Assert.That((await Sms.CancelAsync(queued.Id))!.Status, Is.EqualTo(SmsStatus.Canceled));
        await Sms.DispatchDueAsync();
        Assert.That(_provider.SendCalls, Is.Zero);
    }

    [Test]
    public async Task CancelAsync_SentMessage_IsAConflictAndLeavesItAlone()
    {
        await ConfigAsync();
        var sent = await Sms.SendAsync(new SendSmsRequest { To = To, Body = "Done" });

        var ex = Assert.ThrowsAsync<SmsNotCancelableException>(() => Sms.CancelAsync(sent.Id));

        Assert.That(ex!.Current.Status, Is.EqualTo(SmsStatus.Sent));
        Assert.That((await Sms.GetAsync(sent.Id))!.Status, Is.EqualTo(SmsStatus.Sent));
    }

    [Test]
    public async Task CancelAsync_MessageAtTheProvider_IsAConflict()
    {
        await ConfigAsync();
        _provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = await Sms.EnqueueAsync(new SendSmsRequest { To = To, Body = "In flight" });
        var dispatch = Sms.DispatchDueAsync();
        await _provider.FirstCall;

        Assert.ThrowsAsync<SmsNotCancelableException>(() => Sms.CancelAsync(queued.Id));
        _provider.Gate.SetResult();
        await dispatch;
        Assert.That((await Sms.GetAsync(queued.Id))!.Status, Is.EqualTo(SmsStatus.Sent));
    }

    [Test]
    public async Task CancelAsync_UnknownMessage_ReturnsNull() =>
        Assert.That(await Sms.CancelAsync(424242), Is.Null);

    [Test]
    public async Task SendManyAsync_BadRows_AreReportedPerRowAndTheRestGo()
    {
        await ConfigAsync();
        SendSmsRequest[] rows =
        [
            new() { To = "+14155552671", Body = "one" },
            new() { To = "not a number", Body = "two" },
            new() { To = "+14155552672", Body = "three" },
            new() { To = "+14155552673", Body = "" },
            new() { To = "+14155552674", Body = "five", SendAt = _host.Time.GetUtcNow().AddHours(1) },
        ];

        var result = await Sms.SendManyAsync(rows, user: "ops");

        Assert.Multiple(() =>
        {
            Assert.That(result.Batch.Total, Is.EqualTo(5));
            Assert.That(result.Batch.Rejected, Is.EqualTo(2));
            Assert.That(result.MessageIds, Has.Count.EqualTo(3));
            Assert.That(result.Rejected.Select(r => r.Row), Is.EqualTo(new[] { 1, 3 }));
            Assert.That(result.Rejected[0].Errors.Keys, Is.EqualTo(new[] { "to_number" }));
            Assert.That(result.Rejected[1].Errors.Keys, Is.EqualTo(new[] { "body" }));
            Assert.That(_provider.SendCalls, Is.Zero, "a bulk send only enqueues");
        });

        await Sms.DispatchDueAsync();
        var status = await Sms.GetBatchAsync(result.Batch.Id);
        Assert.Multiple(() =>
        {
            Assert.That(_provider.SendCalls, Is.EqualTo(2));
            Assert.That(status!.CountsByStatus[SmsStatus.Sent], Is.EqualTo(2));
            Assert.That(status.CountsByStatus[SmsStatus.Scheduled], Is.EqualTo(1));
            Assert.That(status.Enqueued, Is.EqualTo(3));
            Assert.That(status.Progress, Is.EqualTo(2.0 / 3).Within(1e-9));
            Assert.That(status.Batch.User, Is.EqualTo("ops"));
        });
    }

    [Test]
    public async Task SendManyAsync_CsvWithUnreadableLines_CountsThemInTheBatch()
    {
        await ConfigAsync();
        var rows = SmsCsv.Read(new StringReader("to,body,send_at\n+14155552671,a,\n+14155552672,b,next week\nnope,c,\n+14155552673,d,\n"));

        var result = await Sms.SendManyAsync(rows);
        var status = await Sms.GetBatchAsync(result.Batch.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result.Rejected.Select(r => (r.Row, r.Errors.Keys.Single())), Is.EqualTo(new[] { (1, "send_at"), (2, "to_number") }));
            Assert.That(status!.Batch.Total, Is.EqualTo(4));
            Assert.That(status.Batch.Rejected, Is.EqualTo(2));
            Assert.That(status.Enqueued, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task SendManyAsync_ManyRows_AllStoredInTheBatch()
    {
        await ConfigAsync();
        var rows = Enumerable.Range(0, 1_234).Select(i => new SendSmsRequest { To = $"+1415555{i:0000}", Body = $"Message {i}" }).ToList();

        var result = await Sms.SendManyAsync(rows);
        var status = await Sms.GetBatchAsync(result.Batch.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result.MessageIds.Distinct().Count(), Is.EqualTo(1_234));
            Assert.That(result.Rejected, Is.Empty);
            Assert.That(status!.CountsByStatus[SmsStatus.Queued], Is.EqualTo(1_234));
        });
    }

    [Test]
    public async Task SendManyAsync_NoConfig_ThrowsBeforeStoringAnything()
    {
        Assert.ThrowsAsync<PhoneConfigNotFoundException>(() => Sms.SendManyAsync([new SendSmsRequest { To = To, Body = "x" }]));
        Assert.That((await Sms.ListAsync(new SmsQuery { AllGroups = true })).Items, Is.Empty);
    }

    [Test]
    public async Task DispatchDueAsync_TwoDispatchersOnOneDatabase_SendEachMessageExactlyOnce()
    {
        const int Count = 10_000;
        await ConfigAsync();
        var calls = new ConcurrentDictionary<long, int>();
        var counting = new FakeProvider();
        using var second = PhoneHubTestHost.Create(b => b.AddProvider<FakeProvider>(), configureServices: s => s.AddSingleton(counting),
            sameDeploymentAs: _host);
        var rows = Enumerable.Range(0, Count).Select(i => new SendSmsRequest { To = $"+1415{i / 10_000 + 555}{i % 10_000:0000}", Body = $"Campaign {i}" }).ToList();
        var batch = await Sms.SendManyAsync(rows);
        Assert.That(batch.MessageIds, Has.Count.EqualTo(Count));

        // Neither provider answers until both dispatchers have reached it, so both take part however the cores are busy.
        var bothCalling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _provider.Gate = counting.Gate = bothCalling;
        _ = Task.WhenAll(_provider.FirstCall, counting.FirstCall).ContinueWith(_ => bothCalling.SetResult(), TaskScheduler.Default);

        // Every call is counted by message id, whichever host made it.
        var first = Task.Run(() => Sms.DispatchDueAsync());
        var other = Task.Run(() => second.Get<ISmsService>().DispatchDueAsync());
        var claimed = await Task.WhenAll(first, other);
        foreach (var (request, _) in _provider.Sent.Concat(counting.Sent))
        {
            calls.AddOrUpdate(request.MessageId, 1, (_, n) => n + 1);
        }

        var status = await Sms.GetBatchAsync(batch.Batch.Id);
        Assert.Multiple(() =>
        {
            Assert.That(claimed.Sum(), Is.EqualTo(Count), "every message claimed once");
            Assert.That(calls, Has.Count.EqualTo(Count));
            Assert.That(calls.Values.Max(), Is.EqualTo(1), "no message sent twice");
            Assert.That(status!.CountsByStatus[SmsStatus.Sent], Is.EqualTo(Count));
        });
    }
}
