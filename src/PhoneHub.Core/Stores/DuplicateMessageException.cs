namespace PhoneHub.Stores;

/// <summary>Thrown when a message with the same provider and provider message id is already stored.</summary>
public sealed class DuplicateMessageException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="providerMessageId">The provider's message id.</param>
    /// <param name="innerException">The store's error.</param>
    public DuplicateMessageException(string provider, string providerMessageId, Exception? innerException = null)
        : base($"A message from provider '{provider}' with id '{providerMessageId}' is already stored.", innerException)
    {
        Provider = provider;
        ProviderMessageId = providerMessageId;
    }

    /// <summary>The provider name.</summary>
    public string Provider { get; }

    /// <summary>The provider's message id.</summary>
    public string ProviderMessageId { get; }
}
