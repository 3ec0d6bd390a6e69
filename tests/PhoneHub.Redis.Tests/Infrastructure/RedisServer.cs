using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Redis.Tests.Infrastructure;

/// <summary>
/// The real Redis server the integration tests run against: its StackExchange.Redis configuration string comes from
/// <c>PHONEHUB_TEST_REDIS</c> (CI starts a server on loopback and sets it). Without it a test is ignored, saying how to
/// run it, except in CI (<c>CI=true</c>), where it fails: CI must run them.
/// </summary>
public static class RedisServer
{
    public const string Variable = "PHONEHUB_TEST_REDIS";

    public static string RequireConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            var reason = $"No Redis server for the integration tests: start one (redis-server --port 56380 --bind 127.0.0.1 --save '' --daemonize yes) and set {Variable}=127.0.0.1:56380.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(reason + " CI must run the Redis tests.");
            }

            Assert.Ignore(reason);
        }

        return value!;
    }

    /// <summary>A key prefix of a test's own, so tests running at once never see each other's keys.</summary>
    public static string NewPrefix() => $"phonehub-test:{Guid.NewGuid():N}:";

    /// <summary>
    /// One host of a deployment on Redis: its own container and its own connection (as a separate process has), the
    /// deployment's database, clock and key prefix.
    /// </summary>
    public static PhoneHubTestHost Host(string prefix, FakeProvider provider, PhoneHubTestHost? first = null, ListLoggerProvider? logs = null, Action<PhoneHubOptions>? options = null, Action<IServiceCollection>? services = null) =>
        PhoneHubTestHost.Create(
            b => b.AddProvider<FakeProvider>().UseRedis(RequireConnectionString(), o => o.KeyPrefix = prefix),
            options,
            s =>
            {
                s.AddSingleton(provider);
                if (logs is not null)
                {
                    s.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
                }

                services?.Invoke(s);
            },
            sameDeploymentAs: first);

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds: for what another host does through Redis.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not seen within 20 seconds: {what}.");
            }

            await Task.Delay(5);
        }
    }
}
