namespace PhoneHub.Messaging;

/// <summary>Thrown when an idempotency key already used in the group is sent with a different request.</summary>
public sealed class IdempotencyConflictException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The key.</param>
    /// <param name="messageId">The message the key belongs to.</param>
    public IdempotencyConflictException(string key, long messageId)
        : base($"The idempotency key was already used for message {messageId} with a different request; use a new key for a new message.")
    {
        Key = key;
        MessageId = messageId;
    }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The message the key belongs to.</summary>
    public long MessageId { get; }
}

/// <summary>Thrown when a message cannot be canceled any more: it is being sent, or already final.</summary>
public sealed class SmsNotCancelableException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message as stored.</param>
    public SmsNotCancelableException(SmsMessage message)
        : base($"Message {message?.Id} cannot be canceled: it is {Describe(message!)}.")
    {
        ArgumentNullException.ThrowIfNull(message);
        Current = message;
    }

    /// <summary>The message as stored.</summary>
    public SmsMessage Current { get; }

    private static string Describe(SmsMessage message) => message.Status.IsFinal() || message.ProviderMessageId is not null
        ? $"already {message.Status.ToWireName()}"
        : "being sent";
}
