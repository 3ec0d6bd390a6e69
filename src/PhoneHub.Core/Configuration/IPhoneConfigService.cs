using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.Configuration;

/// <summary>Manages <see cref="PhoneConfig"/>s: validation, identities, credentials, and which config applies to a group.</summary>
/// <remarks>Id-based methods are not group-scoped: hosts that serve several groups check <see cref="PhoneConfig.Group"/> themselves (the ASP.NET Core package does).</remarks>
public interface IPhoneConfigService
{
    /// <summary>The registered providers (the built-in <c>test</c> provider included): what configs may name, with their settings and credentials.</summary>
    IReadOnlyList<ProviderDefinition> Providers { get; }

    /// <summary>Whether credentials can be stored and read (an encryption key is configured).</summary>
    bool CredentialsAvailable { get; }

    /// <summary>
    /// Validates and stores a new config. Its provider must be registered; its settings are checked against the
    /// provider's definition. When it is active, the group's other active config is deactivated (the result says which).
    /// </summary>
    /// <param name="config">The config; id, identities and times are assigned.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored config and the configs it deactivated.</returns>
    /// <exception cref="PhoneHubValidationException">The config is invalid.</exception>
    /// <exception cref="ProviderIdentityConflictException">An active config of another group holds one of its numbers, services, accounts or topics.</exception>
    Task<PhoneConfigWriteResult> CreateAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Validates and updates a config (not its credentials), with the same rules as <see cref="CreateAsync"/>.</summary>
    /// <param name="config">The config, identified by its id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored config and the configs it deactivated, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="PhoneHubValidationException">The config is invalid.</exception>
    /// <exception cref="ProviderIdentityConflictException">An active config of another group holds one of its identities.</exception>
    Task<PhoneConfigWriteResult?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Activates a config, deactivating the group's other active config.</summary>
    /// <param name="id">The config id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result, or <see langword="null"/> when the config does not exist.</returns>
    /// <exception cref="PhoneHubValidationException">The config cannot send as it is (for example it has no sender).</exception>
    /// <exception cref="ProviderIdentityConflictException">An active config of another group holds one of its identities.</exception>
    Task<PhoneConfigWriteResult?> ActivateAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a config and its credentials.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Gets a config.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config, or <see langword="null"/>.</returns>
    Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Lists configs.</summary>
    /// <param name="query">Which configs.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configs.</returns>
    Task<IReadOnlyList<PhoneConfig>> ListAsync(PhoneConfigQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks, encrypts and stores a config's credentials, replacing any stored before. Names are the provider's (see its
    /// <see cref="ProviderDefinition.Credentials"/>; documented aliases are accepted); values that are not secrets, such as
    /// the Twilio account SID, are kept in clear as settings. Write-only: there is no way to read secrets back.
    /// </summary>
    /// <param name="id">The config id.</param>
    /// <param name="credentials">The values.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the config exists.</returns>
    /// <exception cref="PhoneHubValidationException">A name is unknown to the provider, or a value is malformed.</exception>
    /// <exception cref="CredentialsUnavailableException">No encryption key is configured.</exception>
    /// <exception cref="ProviderIdentityConflictException">The account is held by an active config of another group.</exception>
    Task<bool> SetCredentialsAsync(long id, ProviderCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>The config that applies to <paramref name="group"/>: its active config, else the active system default.</summary>
    /// <param name="group">The group, or <see langword="null"/> for the system default.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config.</returns>
    /// <exception cref="PhoneConfigNotFoundException">Neither exists.</exception>
    Task<PhoneConfig> ResolveAsync(string? group, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="ResolveAsync"/>, but returns <see langword="null"/> instead of throwing.</summary>
    /// <param name="group">The group.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config, or <see langword="null"/>.</returns>
    Task<PhoneConfig?> TryResolveAsync(string? group, CancellationToken cancellationToken = default);

    /// <summary>The active config that holds an identity (a receiving number, messaging service, account or topic), if any: at most one can.</summary>
    /// <param name="kind">One of <see cref="ProviderIdentityKinds"/>.</param>
    /// <param name="value">The value as the provider sent it (numbers are normalized to E.164 first).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The config, or <see langword="null"/>.</returns>
    Task<PhoneConfig?> FindByIdentityAsync(string kind, string? value, CancellationToken cancellationToken = default);

    /// <summary>Decrypts a config's credentials for a provider call.</summary>
    /// <param name="config">The config.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The context (credentials null when none are stored).</returns>
    /// <exception cref="CredentialsUnavailableException">Credentials are stored but cannot be decrypted (no key, or another key).</exception>
    Task<ProviderContext> GetProviderContextAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Checks a config's connection to its provider.</summary>
    /// <param name="id">The config id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result, or <see langword="null"/> when the config does not exist.</returns>
    Task<ConnectionTestResult?> TestConnectionAsync(long id, CancellationToken cancellationToken = default);
}
