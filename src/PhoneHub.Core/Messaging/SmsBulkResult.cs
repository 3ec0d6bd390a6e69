namespace PhoneHub.Messaging;

/// <summary>The result of <see cref="ISmsService.SendManyAsync"/>.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="MessageIds">The enqueued messages, in row order.</param>
/// <param name="Rejected">The rows that were not enqueued, with why.</param>
public sealed record SmsBulkResult(Stores.SmsBatch Batch, IReadOnlyList<long> MessageIds, IReadOnlyList<SmsBulkRowError> Rejected);

/// <summary>A rejected row of a bulk send.</summary>
/// <param name="Row">The row's index, from 0.</param>
/// <param name="Errors">Field name to messages.</param>
public sealed record SmsBulkRowError(int Row, IReadOnlyDictionary<string, string[]> Errors);
