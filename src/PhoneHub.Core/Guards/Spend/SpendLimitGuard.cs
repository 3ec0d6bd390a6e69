using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using PhoneHub.Stores;

namespace PhoneHub.Guards.Spend;

/// <summary>
/// Holds a group to its daily and monthly spend limits before each provider call: what its messages cost in the current
/// UTC day and month (sent, or with a call in progress), plus this message's estimate, must stay within the limits. At
/// the limit a message waits until the next day or month, or fails, as the config says. Checks of one group are
/// serialized in this process and each passing message reserves its estimate until its call is recorded, so concurrent
/// dispatches cannot together overshoot; across processes a limit can be passed by at most the messages being checked
/// at the same moment.
/// </summary>
internal sealed class SpendLimitGuard(ISmsUsageStore usage, IOptions<SendGuardOptions> options) : ISendGuard
{
    private readonly ConcurrentDictionary<string, GroupSpend> _groups = new(StringComparer.Ordinal);

    public GuardStages Stages => GuardStages.Dispatch;

    public async ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken)
    {
        var limits = context.Settings.Spend;
        if ((limits.DailyLimit is null && limits.MonthlyLimit is null) || context.Message.IsTest)
        {
            return GuardDecision.Allow;
        }

        var now = context.Now;
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var cost = Math.Abs(context.Message.Price ?? 0);
        var group = _groups.GetOrAdd(context.Message.Group ?? "", _ => new GroupSpend());
        await group.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reserved = group.ReservedTotal;
            DateTimeOffset? until = null;
            string? which = null;
            if (limits.MonthlyLimit is { } monthly)
            {
                var spent = await usage.GetSpendAsync(context.Message.Group, month, cancellationToken).ConfigureAwait(false) + reserved;
                if (Over(spent, cost, monthly))
                {
                    until = month.AddMonths(1);
                    which = string.Create(CultureInfo.InvariantCulture, $"monthly limit of {monthly} {options.Value.Currency} (spent {spent})");
                }
            }

            if (until is null && limits.DailyLimit is { } daily)
            {
                var spent = await usage.GetSpendAsync(context.Message.Group, day, cancellationToken).ConfigureAwait(false) + reserved;
                if (Over(spent, cost, daily))
                {
                    until = day.AddDays(1);
                    which = string.Create(CultureInfo.InvariantCulture, $"daily limit of {daily} {options.Value.Currency} (spent {spent})");
                }
            }

            if (until is { } next)
            {
                return limits.AtLimit == SpendLimitAction.Fail
                    ? GuardDecision.Block(GuardReasons.SpendLimit, $"The group reached its {which}; the message was not sent.")
                    : GuardDecision.Defer(GuardReasons.SpendLimit, string.Create(CultureInfo.InvariantCulture, $"The group reached its {which}; the message waits until {next:yyyy-MM-dd HH:mm} UTC."), next);
            }

            group.Reserve(cost);
            context.Reservation = new Reservation(group, cost);
            return GuardDecision.Allow;
        }
        finally
        {
            group.Lock.Release();
        }
    }

    // At the limit nothing more goes; below it, only what still fits.
    private static bool Over(decimal spent, decimal cost, decimal limit) => spent >= limit || spent + cost > limit;

    private sealed class GroupSpend
    {
        private readonly Lock _gate = new();
        private decimal _reserved;

        /// <summary>Serializes the checks of one group.</summary>
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public decimal ReservedTotal
        {
            get
            {
                lock (_gate)
                {
                    return _reserved;
                }
            }
        }

        public void Reserve(decimal cost)
        {
            lock (_gate)
            {
                _reserved += cost;
            }
        }
    }

    /// <summary>Released once the message's call is recorded as started (its cost is then in the store) or will not happen.</summary>
    private sealed class Reservation(GroupSpend group, decimal cost) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                group.Reserve(-cost);
            }
        }
    }
}
