using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneHub.Redis.Coordination;

namespace PhoneHub.Redis.Tests.Infrastructure;

/// <summary>The Redis package's parts built directly, each with its own connection, as separate hosts hold them.</summary>
public sealed class RedisParts : IDisposable
{
    public RedisParts(string prefix, TimeSpan? leasePoll = null)
    {
        Options = Microsoft.Extensions.Options.Options.Create(new PhoneHubRedisOptions { KeyPrefix = prefix, LeasePollInterval = leasePoll ?? TimeSpan.FromMilliseconds(250) });
        Connection = new RedisConnection(RedisServer.RequireConnectionString());
        Leases = new RedisLeaseProvider(Connection, Options, NullLogger<RedisLeaseProvider>.Instance);
    }

    public IOptions<PhoneHubRedisOptions> Options { get; }

    internal RedisConnection Connection { get; }

    internal RedisLeaseProvider Leases { get; }

    public void Dispose()
    {
        Leases.Dispose();
        Connection.Dispose();
    }
}
