using PhoneHub.Messaging;

namespace PhoneHub.Stores;

/// <summary>A message to store for sending (see <see cref="ISmsStore.EnqueueAsync"/>).</summary>
/// <param name="Message">The message, <c>queued</c> or <c>scheduled</c>; or <c>failed</c> when the send guards refused it (stored, never dispatched).</param>
/// <param name="DueAt">When a dispatcher may send it (ignored for a failed message).</param>
/// <param name="RequestHash">A hash of the request, compared when the idempotency key is used again.</param>
public sealed record SmsEnqueue(SmsMessage Message, DateTimeOffset DueAt, string? RequestHash = null)
{
    /// <summary>
    /// When set, the message is stored already claimed by this caller, with its first provider call started (the
    /// caller sends it at once): it is never handed to a dispatcher, and if the caller dies it is resolved as
    /// outcome unknown rather than sent twice.
    /// </summary>
    public SmsAttempt? Attempt { get; init; }
}

/// <summary>A claim of a message and one provider call for it.</summary>
/// <param name="Owner">Who holds the claim (a dispatcher, or an inline sender).</param>
/// <param name="Token">Identifies this provider call; only the call that holds it can complete the message.</param>
/// <param name="LeaseUntil">When the claim lapses if the owner neither completes nor renews it.</param>
public sealed record SmsAttempt(string Owner, string Token, DateTimeOffset LeaseUntil);

/// <summary>What <see cref="ISmsStore.EnqueueAsync"/> did.</summary>
/// <param name="Message">The stored message (new, or the one stored earlier under the same idempotency key).</param>
/// <param name="Created">Whether this call stored it.</param>
/// <param name="RequestHash">The request hash stored with the message, to compare with the caller's.</param>
public sealed record SmsEnqueueResult(SmsMessage Message, bool Created, string? RequestHash);

/// <summary>Sends a claimed message back to the queue, without a provider having taken it.</summary>
/// <param name="DueAt">When it may be sent again.</param>
public sealed record SmsRelease(DateTimeOffset DueAt)
{
    /// <summary>When set, the config (and provider and account) the next attempt goes through: a failover.</summary>
    public long? ConfigId { get; init; }

    /// <summary>The provider of <see cref="ConfigId"/>.</summary>
    public string? Provider { get; init; }

    /// <summary>The provider account of <see cref="ConfigId"/>.</summary>
    public string? ProviderAccount { get; init; }

    /// <summary>Why, for the message's error fields until the next attempt completes.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The text of <see cref="ErrorCode"/>.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>What <see cref="ISmsStore.CancelAsync"/> did.</summary>
public enum SmsCancelOutcome
{
    /// <summary>The message was canceled.</summary>
    Canceled = 1,

    /// <summary>The message is being sent, or is already final.</summary>
    NotCancelable,

    /// <summary>No such message.</summary>
    NotFound,
}

/// <summary>A bulk send.</summary>
public sealed record SmsBatch
{
    /// <summary>Store identifier.</summary>
    public long Id { get; init; }

    /// <summary>The group that sent it.</summary>
    public string? Group { get; init; }

    /// <summary>The user who sent it.</summary>
    public string? User { get; init; }

    /// <summary>How many rows it had, valid or not.</summary>
    public int Total { get; init; }

    /// <summary>How many rows were invalid and not enqueued.</summary>
    public int Rejected { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }
}

/// <summary>A batch and how far its messages have come.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="CountsByStatus">Enqueued messages by current status.</param>
public sealed record SmsBatchStatus(SmsBatch Batch, IReadOnlyDictionary<SmsStatus, int> CountsByStatus)
{
    /// <summary>Messages enqueued (rows minus rejected ones).</summary>
    public int Enqueued => CountsByStatus.Values.Sum();

    /// <summary>Messages a provider has taken or that ended (no longer waiting to be dispatched).</summary>
    public int Dispatched => CountsByStatus.Where(p => p.Key is not (SmsStatus.Queued or SmsStatus.Scheduled)).Sum(p => p.Value);

    /// <summary><see cref="Dispatched"/> over <see cref="Enqueued"/>, 0 to 1.</summary>
    public double Progress => Enqueued == 0 ? 1 : (double)Dispatched / Enqueued;
}
