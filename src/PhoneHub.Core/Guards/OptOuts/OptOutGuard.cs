using System.Globalization;
using PhoneHub.Stores;

namespace PhoneHub.Guards.OptOuts;

/// <summary>
/// Refuses sends to opted-out numbers: the lists of the message's group and of its config's group (a group sending
/// through the system default config is bound by a STOP received on that config's number). Before the provider call it
/// refuses a waiting message whose recipient opted out after it was stored; the confirmation of an opt-out, created
/// after it, still goes.
/// </summary>
internal sealed class OptOutGuard(IOptOutStore store) : IBatchSendGuard
{
    public GuardStages Stages => GuardStages.Enqueue | GuardStages.Dispatch;

    public async ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken)
    {
        if (stage == GuardStages.Enqueue && context.OptOutConfirmation)
        {
            return GuardDecision.Allow;
        }

        var found = await store.FindAsync(GroupsOf(context), [context.Message.To], cancellationToken).ConfigureAwait(false);
        return Decide(context, stage, found);
    }

    public async ValueTask CheckManyAsync(IReadOnlyList<GuardContext> contexts, GuardDecision[] decisions, GuardStages stage, CancellationToken cancellationToken)
    {
        var pending = Enumerable.Range(0, contexts.Count).Where(i => decisions[i].Allowed).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        // One chunk is one group and one config: one read for all of it.
        var found = await store.FindAsync(GroupsOf(contexts[pending[0]]), [.. pending.Select(i => contexts[i].Message.To).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        foreach (var i in pending)
        {
            decisions[i] = Decide(contexts[i], stage, found);
        }
    }

    private static GuardDecision Decide(GuardContext context, GuardStages stage, IReadOnlyDictionary<string, DateTimeOffset> found)
    {
        if (!found.TryGetValue(context.Message.To, out var optedOutAt))
        {
            return GuardDecision.Allow;
        }

        // Stored before the opt-out: refused now. Stored after it: only the confirmation gets this far.
        if (stage == GuardStages.Dispatch && optedOutAt <= context.Message.Created)
        {
            return GuardDecision.Allow;
        }

        return GuardDecision.Block(GuardReasons.OptedOut, string.Create(CultureInfo.InvariantCulture,
            $"The recipient opted out of messages from this sender at {optedOutAt:yyyy-MM-dd HH:mm:ss} UTC; nothing was sent."));
    }

    private static string?[] GroupsOf(GuardContext context) =>
        string.Equals(context.Message.Group, context.Config.Group, StringComparison.Ordinal)
            ? [context.Message.Group]
            : [context.Message.Group, context.Config.Group];
}
