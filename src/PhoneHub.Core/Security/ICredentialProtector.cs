namespace PhoneHub.Security;

/// <summary>Encrypts provider credentials before they are stored and decrypts them when a provider needs them.</summary>
public interface ICredentialProtector
{
    /// <summary>Whether a key is available. When not, storing credentials is refused.</summary>
    bool IsAvailable { get; }

    /// <summary>Encrypts <paramref name="credentials"/> for the config <paramref name="configId"/>.</summary>
    /// <param name="credentials">The secrets.</param>
    /// <param name="configId">The owning config; the ciphertext is bound to it and cannot be moved to another config.</param>
    /// <returns>The ciphertext.</returns>
    /// <exception cref="CredentialsUnavailableException">No encryption key is configured.</exception>
    byte[] Protect(ProviderCredentials credentials, long configId);

    /// <summary>Decrypts what <see cref="Protect"/> produced.</summary>
    /// <param name="ciphertext">The stored bytes.</param>
    /// <param name="configId">The owning config.</param>
    /// <returns>The secrets.</returns>
    /// <exception cref="CredentialsUnavailableException">No key is configured, or the key is not the one used to encrypt.</exception>
    ProviderCredentials Unprotect(byte[] ciphertext, long configId);
}
