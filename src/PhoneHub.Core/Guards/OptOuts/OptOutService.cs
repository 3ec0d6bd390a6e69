using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Stores;

namespace PhoneHub.Guards.OptOuts;

/// <summary>The default <see cref="IOptOutService"/>, and the one write path of the lists for keywords and provider refusals.</summary>
internal sealed class OptOutService(
    IOptOutStore store,
    PhoneNormalizer normalizer,
    IOptions<PhoneHubOptions> options,
    TimeProvider time,
    ILogger<OptOutService> logger) : IOptOutService
{
    public async Task<bool> IsOptedOutAsync(string phoneNumber, string? group = null, CancellationToken cancellationToken = default)
    {
        var e164 = normalizer.Normalize(phoneNumber, options.Value.DefaultRegion);
        var found = await store.FindAsync([group], [e164], cancellationToken).ConfigureAwait(false);
        return found.ContainsKey(e164);
    }

    public Task<bool> OptOutAsync(string phoneNumber, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        ApplyAsync(group, normalizer.Normalize(phoneNumber, options.Value.DefaultRegion), OptOutAction.OptOut, OptOutSource.Api, null, user, cancellationToken);

    public Task<bool> OptInAsync(string phoneNumber, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        ApplyAsync(group, normalizer.Normalize(phoneNumber, options.Value.DefaultRegion), OptOutAction.OptIn, OptOutSource.Api, null, user, cancellationToken);

    public Task<Page<OptOutEntry>> ListAsync(OptOutQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return store.ListAsync(query, cancellationToken);
    }

    public Task<Page<OptOutChange>> ListChangesAsync(OptOutQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return store.ListChangesAsync(query, cancellationToken);
    }

    /// <summary>Records a change from any source; <paramref name="e164"/> is already normalized.</summary>
    public async Task<bool> ApplyAsync(string? group, string e164, OptOutAction action, OptOutSource source, string? detail, string? actor, CancellationToken cancellationToken)
    {
        var changed = await store.ApplyAsync(new OptOutChange
        {
            Group = group,
            PhoneNumber = e164,
            Action = action,
            Source = source,
            Detail = detail,
            Actor = actor,
            At = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            Log.OptOutChanged(logger, action == OptOutAction.OptOut ? "opted out" : "opted in", group, source.ToString(), detail);
        }

        return changed;
    }
}
