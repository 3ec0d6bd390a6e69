using Microsoft.Extensions.Logging;
using PhoneHub.Diagnostics;

namespace PhoneHub.Guards;

/// <summary>
/// The send guards in their order, built once. Before a message is stored: segment ceiling, country allow-list,
/// opt-out, prefix velocity, pumping risk, quiet hours (a deferral comes last, so a message that would be refused is
/// not merely delayed). Before the provider call: opt-out and quiet hours again (a message may have waited), then the
/// spend limit (last, because it reserves what the message costs). The first rule that does not allow decides.
/// </summary>
internal sealed class SendGuardPipeline
{
    private readonly ISendGuard[] _enqueue;
    private readonly ISendGuard[] _dispatch;
    private readonly ISendGuard[] _dispatchOnly;
    private readonly ILogger _logger;

    public SendGuardPipeline(IEnumerable<ISendGuard> guards, ILogger<SendGuardPipeline> logger)
    {
        var all = guards.ToArray();
        _enqueue = [.. all.Where(g => g.Stages.HasFlag(GuardStages.Enqueue))];
        _dispatch = [.. all.Where(g => g.Stages.HasFlag(GuardStages.Dispatch))];
        _dispatchOnly = [.. _dispatch.Where(g => !g.Stages.HasFlag(GuardStages.Enqueue))];
        _logger = logger;
    }

    /// <summary>A pipeline without rules (benchmarks measure what the rules cost against it).</summary>
    public static SendGuardPipeline Empty { get; } = new([], Microsoft.Extensions.Logging.Abstractions.NullLogger<SendGuardPipeline>.Instance);

    public async ValueTask<GuardDecision> BeforeEnqueueAsync(GuardContext context, CancellationToken cancellationToken)
    {
        foreach (var guard in _enqueue)
        {
            var decision = await guard.CheckAsync(context, GuardStages.Enqueue, cancellationToken).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                Decided(context, decision, GuardStages.Enqueue);
                return decision;
            }
        }

        return GuardDecision.Allow;
    }

    public async ValueTask<GuardDecision[]> BeforeEnqueueManyAsync(IReadOnlyList<GuardContext> contexts, CancellationToken cancellationToken)
    {
        var decisions = new GuardDecision[contexts.Count];
        foreach (var guard in _enqueue)
        {
            if (guard is IBatchSendGuard batch)
            {
                await batch.CheckManyAsync(contexts, decisions, GuardStages.Enqueue, cancellationToken).ConfigureAwait(false);
                continue;
            }

            for (var i = 0; i < contexts.Count; i++)
            {
                if (decisions[i].Allowed)
                {
                    decisions[i] = await guard.CheckAsync(contexts[i], GuardStages.Enqueue, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        for (var i = 0; i < contexts.Count; i++)
        {
            if (!decisions[i].Allowed)
            {
                Decided(contexts[i], decisions[i], GuardStages.Enqueue);
            }
        }

        return decisions;
    }

    /// <param name="context">The message.</param>
    /// <param name="checkedAtEnqueue">The enqueue rules ran a moment ago (an inline send): only the dispatch-only rules run.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    public async ValueTask<GuardDecision> BeforeDispatchAsync(GuardContext context, bool checkedAtEnqueue, CancellationToken cancellationToken)
    {
        foreach (var guard in checkedAtEnqueue ? _dispatchOnly : _dispatch)
        {
            var decision = await guard.CheckAsync(context, GuardStages.Dispatch, cancellationToken).ConfigureAwait(false);
            if (!decision.Allowed)
            {
                context.Reservation?.Dispose();
                context.Reservation = null;
                Decided(context, decision, GuardStages.Dispatch);
                return decision;
            }
        }

        return GuardDecision.Allow;
    }

    private void Decided(GuardContext context, GuardDecision decision, GuardStages stage)
    {
        if (decision.Verdict == GuardVerdict.Block)
        {
            Log.GuardBlocked(_logger, context.Message.Id, decision.Reason!, stage.ToString(), context.Config.Id);
        }
        else
        {
            Log.GuardDeferred(_logger, context.Message.Id, decision.Reason!, stage.ToString(), decision.Until);
        }
    }
}
