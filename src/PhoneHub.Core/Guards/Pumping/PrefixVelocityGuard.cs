using System.Collections.Concurrent;
using System.Globalization;

namespace PhoneHub.Guards.Pumping;

/// <summary>
/// Refuses a burst to one destination prefix: at most <see cref="PrefixVelocityLimit.MaxMessages"/> messages of a config
/// to numbers sharing the first <see cref="PrefixVelocityLimit.PrefixDigits"/> digits within the sliding window. Counted
/// in this process (a host running several instances divides the limit among them); a refused message is not counted,
/// so traffic to the prefix resumes once the window has moved on.
/// </summary>
internal sealed class PrefixVelocityGuard(TimeProvider time) : ISendGuard
{
    private const int MaxTrackedPrefixes = 100_000;

    private readonly ConcurrentDictionary<(long Config, string Prefix), Queue<long>> _recent = new();

    public GuardStages Stages => GuardStages.Enqueue;

    public ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken)
    {
        if (context.Settings.Pumping.PrefixVelocity is not { } limit)
        {
            return ValueTask.FromResult(GuardDecision.Allow);
        }

        var digits = context.Message.To.AsSpan().TrimStart('+');
        var prefix = digits[..Math.Min(limit.PrefixDigits, digits.Length)].ToString();
        var now = time.GetUtcNow().UtcTicks;
        var since = now - limit.Window.Ticks;
        if (_recent.Count >= MaxTrackedPrefixes)
        {
            Prune(since);
        }

        var sent = _recent.GetOrAdd((context.Config.Id, prefix), _ => new Queue<long>());
        lock (sent)
        {
            while (sent.Count > 0 && sent.Peek() <= since)
            {
                sent.Dequeue();
            }

            if (sent.Count >= limit.MaxMessages)
            {
                return ValueTask.FromResult(GuardDecision.Block(GuardReasons.PrefixVelocity, string.Create(CultureInfo.InvariantCulture,
                    $"{sent.Count} messages went to numbers starting +{prefix} in the last {limit.Window}; the config allows {limit.MaxMessages}.")));
            }

            sent.Enqueue(now);
        }

        return ValueTask.FromResult(GuardDecision.Allow);
    }

    // Bounded: a spray over many prefixes must not grow memory; windows that have passed are dropped.
    private void Prune(long since)
    {
        foreach (var (key, queue) in _recent)
        {
            lock (queue)
            {
                while (queue.Count > 0 && queue.Peek() <= since)
                {
                    queue.Dequeue();
                }

                if (queue.Count == 0)
                {
                    _recent.TryRemove(key, out _);
                }
            }
        }
    }
}
