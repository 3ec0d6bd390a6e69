using PhoneHub.Redis.Tests.Infrastructure;

namespace PhoneHub.Redis.Tests.Coordination;

public class RedisLeaseProviderTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);

    [Test]
    public async Task TryAcquireAsync_HeldByAnotherHost_ReturnsNullUntilReleased()
    {
        var prefix = RedisServer.NewPrefix();
        using var a = new RedisParts(prefix);
        using var b = new RedisParts(prefix);

        var held = await a.Leases.TryAcquireAsync("n", Long);
        Assert.That(held, Is.Not.Null);
        Assert.That(await b.Leases.TryAcquireAsync("n", Long), Is.Null);
        Assert.That(await a.Leases.TryAcquireAsync("n", Long), Is.Null, "not re-entrant: one holder, whoever asks");

        await held!.DisposeAsync();
        await using var next = await b.Leases.TryAcquireAsync("n", Long);
        Assert.That(next, Is.Not.Null);
    }

    [Test]
    public async Task WaitForReleaseAsync_HolderReleases_ReturnsOnTheReleaseMessage()
    {
        var prefix = RedisServer.NewPrefix();
        using var a = new RedisParts(prefix);

        // Polling as good as off: only the release message can end the wait in time.
        using var b = new RedisParts(prefix, leasePoll: TimeSpan.FromSeconds(10));
        var held = await a.Leases.TryAcquireAsync("n", Long);

        var waiting = b.Leases.WaitForReleaseAsync("n", Long).AsTask();
        await Task.Delay(50);
        Assert.That(waiting.IsCompleted, Is.False, "the lease is still held");

        await held!.DisposeAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task TryAcquireAsync_HolderNeverReleases_LeaseLapsesAfterItsDuration()
    {
        var prefix = RedisServer.NewPrefix();
        using var a = new RedisParts(prefix, leasePoll: TimeSpan.FromMilliseconds(20));
        using var b = new RedisParts(prefix, leasePoll: TimeSpan.FromMilliseconds(20));
        Assert.That(await a.Leases.TryAcquireAsync("n", TimeSpan.FromMilliseconds(200)), Is.Not.Null);

        await b.Leases.WaitForReleaseAsync("n", Long);

        await using var taken = await b.Leases.TryAcquireAsync("n", Long);
        Assert.That(taken, Is.Not.Null);
    }

    [Test]
    public async Task DisposeAsync_LeaseThatLapsedAndWasRetaken_LeavesTheNewHoldersLease()
    {
        var prefix = RedisServer.NewPrefix();
        using var a = new RedisParts(prefix, leasePoll: TimeSpan.FromMilliseconds(20));
        using var b = new RedisParts(prefix, leasePoll: TimeSpan.FromMilliseconds(20));
        var stale = await a.Leases.TryAcquireAsync("n", TimeSpan.FromMilliseconds(200));
        await b.Leases.WaitForReleaseAsync("n", Long);
        await using var current = await b.Leases.TryAcquireAsync("n", Long);

        await stale!.DisposeAsync();

        Assert.That(await a.Leases.TryAcquireAsync("n", Long), Is.Null, "the late release of the lapsed lease did not free b's");
    }
}
