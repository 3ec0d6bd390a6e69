namespace PhoneHub.Stores.ContractTests;

/// <summary>
/// Starts several calls at the same moment: each runs on the thread pool, says it is ready, and waits at one gate that
/// opens only when all are ready. No sleeps; the outcome asserted must hold for every interleaving.
/// </summary>
public static class Concurrently
{
    /// <summary>Runs <paramref name="action"/> <paramref name="count"/> times at once.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="count">How many calls.</param>
    /// <param name="action">The call, given its index.</param>
    /// <returns>The results, by index.</returns>
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            ready[i].SetResult();
            await gate.Task.ConfigureAwait(false);
            return await action(i).ConfigureAwait(false);
        })).ToArray();
        await Task.WhenAll(ready.Select(r => r.Task)).ConfigureAwait(false);
        gate.SetResult();
        return await Task.WhenAll(calls).ConfigureAwait(false);
    }
}
