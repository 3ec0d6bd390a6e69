namespace PhoneHub.Coordination;

/// <summary>
/// Leases shared by every host of a deployment: at most one holder of a name at a time, for at most the duration it
/// asked for, so a holder that dies loses its lease when that runs out. PhoneHub takes one before it pays for a lookup,
/// so that hosts sharing a cache buy each number once per cache window: the others wait for the lease and read the
/// answer the holder stored. Without one registered, concurrent lookups are coalesced within each process only.
/// <c>UseRedis(...)</c> registers one; a store package may register another.
/// </summary>
public interface IDistributedLeaseProvider
{
    /// <summary>Takes the lease <paramref name="name"/> if nobody holds it.</summary>
    /// <param name="name">What the lease is for, for example <c>lookup:twilio:+14155551234</c>.</param>
    /// <param name="duration">The longest the lease is held; it lapses then even if never released.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The lease, released when disposed; <see langword="null"/> when another holder has it.</returns>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Returns once the lease <paramref name="name"/> is free (released or lapsed), or after <paramref name="timeout"/>.</summary>
    /// <param name="name">The lease's name.</param>
    /// <param name="timeout">The longest to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the lease is free or the time is up.</returns>
    ValueTask WaitForReleaseAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default);
}
