using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Redis.Tests.Infrastructure;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Redis.Tests.Messaging.Dispatch;

/// <summary>Two hosts' dispatchers on one database and one Redis, sending through one sender.</summary>
public class CrossHostDispatchTests
{
    [Test]
    public async Task DispatchDueAsync_TwoHostsOneSender_SumOfBothHoldsTheSendersRate()
    {
        // 40 one-segment messages, 10 segments a second (a bucket of 10), 20 claimed by each host. Each host alone would
        // send its 20 in about a second; the rate holds for their sum only if all 40 wait on one bucket: the last permit
        // then comes (40 - 10) / 10 = 3 s after the first could, on Redis' clock. Waits only make that later, so the
        // bound holds however busy the cores are; it fails whenever the hosts pace apart.
        const int Count = 40;
        const double Rate = 10;
        var prefix = RedisServer.NewPrefix();
        var onA = new FakeProvider();
        var onB = new FakeProvider();
        void Dispatch(IServiceCollection s) => s.Configure<SmsDispatchOptions>(o =>
        {
            o.PaceSenders = true;
            o.BatchSize = Count / 2;
        });
        using var a = RedisServer.Host(prefix, onA, services: Dispatch);
        using var b = RedisServer.Host(prefix, onB, a, services: Dispatch);
        using var clock = new RedisParts(prefix);
        await a.Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "campaign",
            Provider = "fake",
            IsActive = true,
            SendRate = Rate,
            Settings = new Dictionary<string, string> { ["from_number"] = "+14155550100" },
        });
        var rows = Enumerable.Range(0, Count).Select(i => new SendSmsRequest { To = string.Create(CultureInfo.InvariantCulture, $"+1415555{i:0000}"), Body = $"Sale {i}" }).ToList();
        var batch = await a.Hub.Messages.SendManyAsync(rows);

        // Neither provider answers until both hosts have reached it, so both dispatch at once.
        var bothSending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        onA.Gate = onB.Gate = bothSending;
        _ = Task.WhenAll(onA.FirstCall, onB.FirstCall).ContinueWith(_ => bothSending.TrySetResult(), TaskScheduler.Default);

        var started = await RedisTimeAsync(clock);
        var claimed = await Task.WhenAll(
            Task.Run(() => a.Get<ISmsService>().DispatchDueAsync()),
            Task.Run(() => b.Get<ISmsService>().DispatchDueAsync())).WaitAsync(TimeSpan.FromSeconds(60));
        var finished = await RedisTimeAsync(clock);

        var sent = onA.Sent.Concat(onB.Sent).GroupBy(s => s.Request.MessageId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(claimed, Is.EqualTo(new[] { Count / 2, Count / 2 }), "each host dispatched half");
            Assert.That(onA.SendCalls, Is.EqualTo(Count / 2));
            Assert.That(onB.SendCalls, Is.EqualTo(Count / 2));
            Assert.That(sent.Select(g => g.Key).Order(), Is.EqualTo(batch.MessageIds.Order()), "every message sent");
            Assert.That(sent.All(g => g.Count() == 1), Is.True, "none sent twice");
            Assert.That((finished - started).TotalSeconds, Is.GreaterThanOrEqualTo(((Count - Rate) / Rate) - 0.01),
                "40 sends at 10 a second (one second's burst) take 3 s at least, whichever host sends them");
        });
    }

    private static async Task<DateTime> RedisTimeAsync(RedisParts redis)
    {
        var multiplexer = await redis.Connection.GetAsync();
        return await multiplexer.GetServer(multiplexer.GetEndPoints()[0]).TimeAsync();
    }
}
