using PhoneHub.Guards.OptOuts;

namespace PhoneHub.Stores;

/// <summary>
/// Holds the opt-out lists (one per group, <see langword="null"/> being "no group") and every change made to them.
/// Four operations; a store for another database implements them with the same meaning.
/// </summary>
public interface IOptOutStore
{
    /// <summary>
    /// Which of <paramref name="phoneNumbers"/> are on the list of any of <paramref name="groups"/>, with when they
    /// opted out (the latest, when on several). Called before every send, for a whole bulk chunk at once.
    /// </summary>
    /// <param name="groups">The groups whose lists apply (the message's and its config's).</param>
    /// <param name="phoneNumbers">Numbers in E.164.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The opted-out numbers and when they opted out; numbers not listed are absent.</returns>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> FindAsync(IReadOnlyCollection<string?> groups, IReadOnlyCollection<string> phoneNumbers, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a change atomically: an opt-out adds the number (a number already listed keeps its first entry), an
    /// opt-in removes it. A change that changes the list is recorded in the history in the same transaction; one that
    /// does not (a second STOP) is not.
    /// </summary>
    /// <param name="change">The change; its id is ignored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the list changed.</returns>
    Task<bool> ApplyAsync(OptOutChange change, CancellationToken cancellationToken = default);

    /// <summary>Lists a group's opted-out numbers, newest first.</summary>
    /// <param name="query">The group, an optional number and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of entries.</returns>
    Task<Page<OptOutEntry>> ListAsync(OptOutQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists a group's changes, newest first.</summary>
    /// <param name="query">The group, an optional number and paging.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A page of changes.</returns>
    Task<Page<OptOutChange>> ListChangesAsync(OptOutQuery query, CancellationToken cancellationToken = default);
}
