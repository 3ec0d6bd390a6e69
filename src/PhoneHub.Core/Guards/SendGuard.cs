using PhoneHub.Configuration;
using PhoneHub.Messaging;

namespace PhoneHub.Guards;

/// <summary>When a rule runs: before the message is stored, before its provider call, or both.</summary>
[Flags]
internal enum GuardStages
{
    /// <summary>Before the message is stored (single, bulk, scheduled and reply sends).</summary>
    Enqueue = 1,

    /// <summary>Before the provider is called (the dispatcher, and inline sends right after the enqueue checks).</summary>
    Dispatch = 2,
}

/// <summary>What a rule decided.</summary>
internal enum GuardVerdict
{
    Allow,
    Block,
    Defer,
}

/// <summary>A rule's decision: go, refuse with a reason, or wait until a time with a reason.</summary>
internal readonly record struct GuardDecision(GuardVerdict Verdict, string? Reason, string? Detail, DateTimeOffset Until)
{
    public static GuardDecision Allow => default;

    public bool Allowed => Verdict == GuardVerdict.Allow;

    public static GuardDecision Block(string reason, string detail) => new(GuardVerdict.Block, reason, detail, default);

    public static GuardDecision Defer(string reason, string detail, DateTimeOffset until) => new(GuardVerdict.Defer, reason, detail, until);
}

/// <summary>One message as the rules see it.</summary>
internal sealed class GuardContext
{
    public GuardContext(SmsMessage message, PhoneConfig config, DateTimeOffset now, DateTimeOffset dueAt)
    {
        Message = message;
        Config = config;
        Now = now;
        DueAt = dueAt;
    }

    /// <summary>The message (to be stored, or as stored): recipient in E.164, group, body, segments, price estimate.</summary>
    public SmsMessage Message { get; }

    /// <summary>The config it goes through.</summary>
    public PhoneConfig Config { get; }

    /// <summary>The current time.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>When it is to go (a scheduled message's send time; otherwise <see cref="Now"/>).</summary>
    public DateTimeOffset DueAt { get; }

    /// <summary>The confirmation of an opt-out keyword: the one message an opted-out number still gets.</summary>
    public bool OptOutConfirmation { get; init; }

    /// <summary>A spend reservation the caller releases once the provider call is recorded (or will not happen).</summary>
    public IDisposable? Reservation { get; set; }

    public SendGuardSettings Settings => Config.Guards;
}

/// <summary>One rule in the send path.</summary>
internal interface ISendGuard
{
    /// <summary>When the rule runs.</summary>
    GuardStages Stages { get; }

    /// <summary>Decides for one message.</summary>
    ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken);
}

/// <summary>A rule that reads its store once for a whole bulk chunk.</summary>
internal interface IBatchSendGuard : ISendGuard
{
    /// <summary>Decides for every message still allowed (<paramref name="decisions"/> holds the earlier rules' answers).</summary>
    ValueTask CheckManyAsync(IReadOnlyList<GuardContext> contexts, GuardDecision[] decisions, GuardStages stage, CancellationToken cancellationToken);
}
