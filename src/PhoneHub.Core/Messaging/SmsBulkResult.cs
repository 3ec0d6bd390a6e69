namespace PhoneHub.Messaging;

/// <summary>The result of <c>ISmsService.SendManyAsync</c>.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="MessageIds">The enqueued messages, in row order.</param>
/// <param name="Rejected">The rows that were not enqueued, with why.</param>
public sealed record SmsBulkResult(Stores.SmsBatch Batch, IReadOnlyList<long> MessageIds, IReadOnlyList<SmsBulkRowError> Rejected);

/// <summary>A rejected row of a bulk send.</summary>
/// <param name="Row">The row's index, from 0.</param>
/// <param name="Errors">Field name to messages.</param>
public sealed record SmsBulkRowError(int Row, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>One row of a bulk send: a request, or what made the row unreadable before it became one.</summary>
public sealed record SmsBulkRow
{
    private SmsBulkRow(SendSmsRequest? request, IReadOnlyDictionary<string, string[]>? errors)
    {
        Request = request;
        Errors = errors;
    }

    /// <summary>The request, when the row could be read.</summary>
    public SendSmsRequest? Request { get; }

    /// <summary>Field name to messages, when the row could not be read.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>A readable row.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The row.</returns>
    public static SmsBulkRow Of(SendSmsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SmsBulkRow(request, null);
    }

    /// <summary>A row that could not be read.</summary>
    /// <param name="errors">Field name to messages; at least one.</param>
    /// <returns>The row.</returns>
    public static SmsBulkRow Invalid(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count, nameof(errors));
        return new SmsBulkRow(null, errors);
    }

    /// <summary>A row that could not be read, for one field.</summary>
    /// <param name="field">The field.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The row.</returns>
    public static SmsBulkRow Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });
}
