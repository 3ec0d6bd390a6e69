using StackExchange.Redis;

namespace PhoneHub.Redis;

/// <summary>
/// The multiplexer every PhoneHub Redis part shares: the host's (never closed by PhoneHub), or one PhoneHub opened from a
/// configuration string (connected on first use, in the background, retrying while the server is unreachable; closed
/// with the container).
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private readonly bool _owned;

    public RedisConnection(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);

        // A host must start (and answer from its store) while Redis is still coming up.
        options.AbortOnConnectFail = false;
        _multiplexer = new(async () => await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false));
        _owned = true;
    }

    public RedisConnection(IConnectionMultiplexer multiplexer) =>
        _multiplexer = new(Task.FromResult(multiplexer));

    public Task<IConnectionMultiplexer> GetAsync() => _multiplexer.Value;

    public async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken = default) =>
        (await _multiplexer.Value.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    public void Dispose()
    {
        if (_owned && _multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            _multiplexer.Value.Result.Dispose();
        }
    }
}
