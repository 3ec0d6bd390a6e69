using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Redis.Pacing;
using PhoneHub.Redis.Tests.Infrastructure;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Redis.Tests.Pacing;

public class RedisSendRateLimiterTests
{
    [Test]
    public async Task ReserveAsync_TwoHostsOneSender_PermitsOfBothTogetherHoldTheRate()
    {
        // 5 segments a second (a bucket of 5), 60 permits asked by two hosts at once. The reservations are Redis' own
        // schedule, so the check needs no clock of the test's: in any window of w seconds at most 5 + 5w permits.
        const double rate = 5;
        var prefix = RedisServer.NewPrefix();
        using var a = new RedisParts(prefix);
        using var b = new RedisParts(prefix);
        using var onA = new RedisSendRateLimiter(a.Connection, prefix + "pace:twilio|sender|+14155550100", rate);
        using var onB = new RedisSendRateLimiter(b.Connection, prefix + "pace:twilio|sender|+14155550100", rate);

        var reservations = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => (i % 2 == 0 ? onA : onB).ReserveAsync(1, onlyIfNow: false, CancellationToken.None))));

        var at = reservations.Select(r => r.AllowedAtMicroseconds).Order().ToArray();
        Assert.That(reservations.All(r => r.Granted), Is.True);
        for (var i = 0; i < at.Length; i++)
        {
            for (var j = i + 1; j < at.Length; j++)
            {
                var window = (at[j] - at[i]) / 1e6;
                Assert.That(j - i + 1, Is.LessThanOrEqualTo(5 + (rate * window) + 1e-6), $"permits {i}..{j} within {window:0.000} s");
            }
        }

        // And the schedule is not looser than the rate either: 60 permits need at least (60 - 5) / 5 seconds.
        Assert.That((at[^1] - at[0]) / 1e6, Is.GreaterThanOrEqualTo(((60 - 5) / rate) - 0.001));
    }

    [Test]
    public async Task AttemptAcquire_BucketEmptiedByAnotherHost_IsRefused()
    {
        // One segment a minute: after host A's permit, nothing for host B within the test's lifetime.
        var prefix = RedisServer.NewPrefix();
        using var a = new RedisParts(prefix);
        using var b = new RedisParts(prefix);
        using var onA = new RedisSendRateLimiter(a.Connection, prefix + "pace:k", 1.0 / 60);
        using var onB = new RedisSendRateLimiter(b.Connection, prefix + "pace:k", 1.0 / 60);

        using var first = await onA.AcquireAsync(1);
        using var second = onB.AttemptAcquire(1);

        Assert.That(first.IsAcquired, Is.True);
        Assert.That(second.IsAcquired, Is.False);
    }

    [Test]
    public async Task AcquireAsync_ThroughSenderPacingOfTwoHosts_SharesOneBucket()
    {
        // The dispatcher's pacing of host A takes the sender's one permit a minute; host B's pacing, from its own
        // container, finds the same bucket empty.
        var prefix = RedisServer.NewPrefix();
        var provider = new FakeProvider().WithDefaultAnswer();
        using var a = RedisServer.Host(prefix, provider);
        using var b = RedisServer.Host(prefix, provider, a);
        var key = new PacingKey("fake|sender|+14155550100", 1.0 / 60);

        await a.Get<SenderPacing>().AcquireAsync([key], 1, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        using var limiterOfB = b.Get<ISendRateLimiterFactory>().Create(key.Key, key.SegmentsPerSecond);

        Assert.That(b.Get<ISendRateLimiterFactory>(), Is.InstanceOf<RedisSendRateLimiterFactory>());
        Assert.That(limiterOfB.AttemptAcquire(1).IsAcquired, Is.False);
    }
}
