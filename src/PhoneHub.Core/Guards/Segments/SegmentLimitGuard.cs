using System.Globalization;

namespace PhoneHub.Guards.Segments;

/// <summary>Refuses a body that takes more segments than the config's <see cref="SegmentSettings.MaxSegments"/>.</summary>
internal sealed class SegmentLimitGuard : ISendGuard
{
    public GuardStages Stages => GuardStages.Enqueue;

    public ValueTask<GuardDecision> CheckAsync(GuardContext context, GuardStages stage, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Settings.Segments.MaxSegments is { } max && context.Message.Segments > max
            ? GuardDecision.Block(GuardReasons.SegmentLimit, string.Create(CultureInfo.InvariantCulture,
                $"The body takes {context.Message.Segments} segments; the config allows at most {max}."))
            : GuardDecision.Allow);
}
