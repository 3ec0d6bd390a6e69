using PhoneHub.Configuration;
using PhoneHub.Coordination;
using PhoneHub.Redis.Coordination;
using PhoneHub.Redis.Tests.Infrastructure;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Redis.Tests.Configuration;

public class CrossHostConfigTests
{
    [Test]
    public async Task UpdateAsync_OnOneHost_OtherHostResolvesTheNewConfigAtOnce()
    {
        var prefix = RedisServer.NewPrefix();
        var provider = new FakeProvider().WithDefaultAnswer();
        using var a = RedisServer.Host(prefix, provider);
        using var b = RedisServer.Host(prefix, provider, a);
        var acme = (await a.Hub.Configs.CreateAsync(new PhoneConfig { Name = "acme", Group = "acme", Provider = "fake", IsActive = true })).Config;
        Assert.That((await b.Hub.Configs.ResolveAsync("acme")).TestMode, Is.False);

        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await b.Get<RedisInvalidationChannel>().WhenSubscribed;
        using var watch = b.Get<ICacheInvalidationChannel>().Subscribe(key =>
        {
            if (key == "configs")
            {
                delivered.TrySetResult();
            }
        });

        // The clock does not move: only the message can make host B read the config again.
        await a.Hub.Configs.UpdateAsync(acme with { TestMode = true });
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That((await b.Hub.Configs.ResolveAsync("acme")).TestMode, Is.True);
    }
}
