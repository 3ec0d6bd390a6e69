namespace PhoneHub.Messaging;

/// <summary>Wire names of <see cref="SmsStatus"/> values and the rule for which status changes are allowed.</summary>
public static class SmsStatuses
{
    private static readonly Dictionary<string, SmsStatus> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["queued"] = SmsStatus.Queued,
        ["scheduled"] = SmsStatus.Scheduled,
        ["accepted"] = SmsStatus.Accepted,
        ["sending"] = SmsStatus.Sending,
        ["sent"] = SmsStatus.Sent,
        ["delivered"] = SmsStatus.Delivered,
        ["read"] = SmsStatus.Read,
        ["undelivered"] = SmsStatus.Undelivered,
        ["failed"] = SmsStatus.Failed,
        ["canceled"] = SmsStatus.Canceled,
        ["receiving"] = SmsStatus.Receiving,
        ["received"] = SmsStatus.Received,
    };

    /// <summary>The lower-case wire name of <paramref name="status"/>, as stored and as Twilio spells it (for example <c>delivered</c>).</summary>
    /// <param name="status">The status.</param>
    /// <returns>The name.</returns>
    public static string ToWireName(this SmsStatus status) => status switch
    {
        SmsStatus.Queued => "queued",
        SmsStatus.Scheduled => "scheduled",
        SmsStatus.Accepted => "accepted",
        SmsStatus.Sending => "sending",
        SmsStatus.Sent => "sent",
        SmsStatus.Delivered => "delivered",
        SmsStatus.Read => "read",
        SmsStatus.Undelivered => "undelivered",
        SmsStatus.Failed => "failed",
        SmsStatus.Canceled => "canceled",
        SmsStatus.Receiving => "receiving",
        SmsStatus.Received => "received",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown SMS status."),
    };

    /// <summary>Reads a wire name (case-insensitive).</summary>
    /// <param name="name">For example <c>delivered</c>.</param>
    /// <param name="status">The status when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string? name, out SmsStatus status)
    {
        status = default;
        return name is not null && ByName.TryGetValue(name.Trim(), out status);
    }

    /// <summary>Whether no later provider report can change <paramref name="status"/> any more (except to <see cref="SmsStatus.Read"/>).</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> for delivered, read, undelivered, failed, canceled and received.</returns>
    public static bool IsFinal(this SmsStatus status) => Rank(status) >= FinalRank;

    /// <summary>
    /// Whether a message in <paramref name="current"/> may move to <paramref name="next"/>. Status reports arrive out of
    /// order, so only forward moves are taken: a late <c>sent</c> never overwrites <c>delivered</c>, and a final status stays final.
    /// </summary>
    /// <param name="current">The stored status.</param>
    /// <param name="next">The reported status.</param>
    /// <returns><see langword="true"/> when <paramref name="next"/> is further along.</returns>
    public static bool CanMoveTo(this SmsStatus current, SmsStatus next) => Rank(next) > Rank(current);

    private const int FinalRank = 4;

    internal static int Rank(SmsStatus status) => status switch
    {
        SmsStatus.Queued or SmsStatus.Scheduled => 0,
        SmsStatus.Accepted or SmsStatus.Receiving => 1,
        SmsStatus.Sending => 2,
        SmsStatus.Sent => 3,
        SmsStatus.Delivered or SmsStatus.Undelivered or SmsStatus.Failed or SmsStatus.Canceled or SmsStatus.Received => FinalRank,
        SmsStatus.Read => FinalRank + 1,
        _ => 0,
    };

    /// <summary>Statuses ordered by rank, for storage engines that apply the forward-only rule in SQL.</summary>
    internal static IEnumerable<(SmsStatus Status, int Rank)> All =>
        Enum.GetValues<SmsStatus>().Select(s => (s, Rank(s)));
}
