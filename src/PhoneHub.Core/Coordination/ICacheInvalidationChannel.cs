namespace PhoneHub.Coordination;

/// <summary>
/// Tells the other hosts of a deployment that something cached changed, so their in-process tiers drop it at once
/// instead of when it expires. Delivery is best effort (a host that misses a message serves the old value until its
/// entry expires, as it would without a channel). <c>UseRedis(...)</c> registers one over Redis pub/sub.
/// </summary>
public interface ICacheInvalidationChannel
{
    /// <summary>Announces that what is cached under <paramref name="key"/> changed.</summary>
    /// <param name="key">A PhoneHub cache key, for example <c>lookup:+14155551234</c> or <c>configs</c>.</param>
    /// <param name="cancellationToken">Cancels the announcement.</param>
    /// <returns>A task that completes once the announcement is sent.</returns>
    ValueTask PublishAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onInvalidated"/> with every key announced by any host (this one included: receivers
    /// drop entries, which is harmless to repeat), in the order they arrive and in the order subscribers subscribed.
    /// </summary>
    /// <param name="onInvalidated">Called for each key; must not block.</param>
    /// <returns>Stops the calls when disposed.</returns>
    IDisposable Subscribe(Action<string> onInvalidated);
}
