using Microsoft.Extensions.Time.Testing;
using PhoneHub.Configuration;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Normalization;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Messaging.Dispatch;

/// <summary>Pacing on PhoneHub's clock: permits are granted at once while the bucket holds them, then at the sender's rate.</summary>
public class SenderPacingTests
{
    private FakeTimeProvider _time = null!;
    private SenderPacing _pacing = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(PhoneHubTestHost.Start);
        _pacing = new SenderPacing(_time);
    }

    [TearDown]
    public void TearDown() => _pacing.Dispose();

    private static PacingKey[] Key(double rate) => [new("twilio|sender|+14155550100", rate)];

    // The buckets refill on the limiter's own monotonic clock, which no test can move: these tests use a rate of one
    // segment a second, so "not yet granted" holds for a whole second after the bucket is emptied, and they only wait
    // (bounded) for what must come.
    [Test]
    public async Task AcquireAsync_BucketEmptied_NextPermitWaitsForTheRefill()
    {
        for (var i = 0; i < 3; i++)
        {
            var permit = _pacing.AcquireAsync(Key(3), 1, CancellationToken.None);
            Assert.That(permit.IsCompleted, Is.True, $"permit {i} is in the bucket");
            await permit;
        }

        var fourth = _pacing.AcquireAsync(Key(3), 1, CancellationToken.None).AsTask();
        Assert.That(fourth.IsCompleted, Is.False, "three a second: the fourth waits");
        await fourth.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task AcquireAsync_SegmentsCount_AMessageOfAllTheBucketEmptiesIt()
    {
        await _pacing.AcquireAsync(Key(3), 3, CancellationToken.None);

        var next = _pacing.AcquireAsync(Key(3), 1, CancellationToken.None).AsTask();
        Assert.That(next.IsCompleted, Is.False);
        await next.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task AcquireAsync_LongerThanTheBucket_StillGoesTakingAllOfIt()
    {
        var long10 = _pacing.AcquireAsync(Key(3), 10, CancellationToken.None);
        Assert.That(long10.IsCompleted, Is.True);
        await long10;
        Assert.That(_pacing.AcquireAsync(Key(3), 1, CancellationToken.None).AsTask().IsCompleted, Is.False);
    }

    [Test]
    public async Task Pause_HoldsTheSenderUntilThen()
    {
        // Pauses run on PhoneHub's clock (the provider said when to come back).
        _pacing.Pause(Key(10)[0], _time.GetUtcNow().AddSeconds(5));

        var permit = _pacing.AcquireAsync(Key(10), 1, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(permit.IsCompleted, Is.False);
        Assert.That(_pacing.PausedUntil(Key(10)[0]), Is.EqualTo(PhoneHubTestHost.Start.AddSeconds(5)));

        _time.Advance(TimeSpan.FromSeconds(1));
        await permit.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Test]
    public async Task AcquireAsync_RateChanged_UsesTheNewRateAtOnce()
    {
        await _pacing.AcquireAsync(Key(1), 1, CancellationToken.None);
        Assert.That(_pacing.AcquireAsync(Key(1), 1, CancellationToken.None).AsTask().IsCompleted, Is.False);

        Assert.That(_pacing.AcquireAsync(Key(100), 1, CancellationToken.None).AsTask().IsCompleted, Is.True);
    }

    [TestCase("+14155550100", SendRates.LongCode)]
    [TestCase("+18005550100", SendRates.TollFree)]
    [TestCase("12345", SendRates.ShortCode)]
    [TestCase("Acme", SendRates.AlphanumericOrService)]
    [TestCase("MG0123456789abcdef0123456789abcdef", SendRates.AlphanumericOrService)]
    [TestCase(null, SendRates.LongCode)]
    public void DefaultFor_SenderType_IsThePublishedRate(string? sender, double expected) =>
        Assert.That(SendRates.DefaultFor(sender, new PhoneNormalizer()), Is.EqualTo(expected));

    [Test]
    public void KeysFor_ConfigRates_ReplaceTheDefaultAndAddTheAccount()
    {
        var config = new PhoneConfig { Id = 3, Name = "x", Provider = "twilio", SendRate = 25, AccountSendRate = 50 };

        var keys = SendRates.KeysFor(config, "+14155550100", new PhoneNormalizer());

        Assert.That(keys.Select(k => k.SegmentsPerSecond), Is.EqualTo(new[] { 25.0, 50.0 }));
        Assert.That(keys[0].Key, Does.Contain("+14155550100"));
    }
}
