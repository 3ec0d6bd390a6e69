namespace PhoneHub.Configuration;

/// <summary>
/// A version number bumped on every config write through this process, so caches derived from configs (the lookup
/// service's per-group policies) drop what they derived at once instead of waiting for their expiry.
/// </summary>
internal sealed class ConfigChangeToken
{
    private int _version;

    public int Version => Volatile.Read(ref _version);

    public void Changed() => Interlocked.Increment(ref _version);
}
