using Microsoft.Extensions.Options;
using PhoneHub.Lookup;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Lookup;

public class LookupMemoryCacheTests
{
    private static readonly DateTimeOffset Now = PhoneHubTestHost.Start;

    private static PhoneNumber Record(int i, int days = 30) => new()
    {
        E164 = $"+1415555{i:0000}",
        LookupProvider = "fake",
        LastLookupAt = Now,
        LookupExpiresAt = Now.AddDays(days),
    };

    private static LookupMemoryCache Cache(int size) => new(Options.Create(new PhoneHubOptions { LookupMemoryCacheSize = size }));

    [Test]
    public void Remember_MoreNumbersThanItsSize_StaysBoundedAndKeepsTheRecentlyUsed()
    {
        var cache = Cache(100);
        cache.Remember(Record(0), Now, TimeSpan.FromMinutes(10));
        for (var i = 1; i <= 1000; i++)
        {
            // Number 0 is read before every add: the most recently used, never the one dropped.
            Assert.That(cache.TryGet(Record(0).E164, Now.UtcTicks + i, out _), Is.True, $"after {i - 1} adds");
            cache.Remember(Record(i), Now, TimeSpan.FromMinutes(10));
            Assert.That(cache.Count, Is.LessThanOrEqualTo(100));
        }

        Assert.That(cache.TryGet(Record(1000).E164, Now.UtcTicks, out _), Is.True);
    }

    [Test]
    public void TryGet_PastMaxAgeOrLookupExpiry_Misses()
    {
        var cache = Cache(10);
        cache.Remember(Record(1), Now, TimeSpan.FromMinutes(10));
        cache.Remember(Record(2, days: 0), Now, TimeSpan.FromMinutes(10));

        Assert.That(cache.TryGet(Record(1).E164, (Now + TimeSpan.FromMinutes(10)).UtcTicks - 1, out _), Is.True);
        Assert.That(cache.TryGet(Record(1).E164, (Now + TimeSpan.FromMinutes(10)).UtcTicks, out _), Is.False);
        Assert.That(cache.TryGet(Record(2).E164, Now.UtcTicks, out _), Is.False, "already expired: never kept");
    }

    [Test]
    public void Forget_RememberedNumber_MissesAfterwards()
    {
        var cache = Cache(10);
        cache.Remember(Record(1), Now, TimeSpan.FromMinutes(10));

        cache.Forget(Record(1).E164);

        Assert.That(cache.TryGet(Record(1).E164, Now.UtcTicks, out _), Is.False);
        Assert.That(cache.Count, Is.Zero);
    }
}
