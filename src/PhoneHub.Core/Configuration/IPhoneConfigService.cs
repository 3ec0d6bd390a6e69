using PhoneHub.Providers;
using PhoneHub.Security;

namespace PhoneHub.Configuration;

/// <summary>Manages <see cref="PhoneConfig"/>s: validation, credentials, and which config applies to a group.</summary>
/// <remarks>Id-based methods are not group-scoped: hosts that serve several groups check <see cref="PhoneConfig.Group"/> themselves (the ASP.NET Core package does).</remarks>
public interface IPhoneConfigService
{
    /// <summary>Validates and stores a new config. When it is active, the group's other configs are deactivated.</summary>
    /// <param name="config">The config; id and times are assigned.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored config.</returns>
    /// <exception cref="PhoneHubValidationException">The config is invalid.</exception>
    Task<PhoneConfig> CreateAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Validates and updates a config (not its credentials).</summary>
    /// <param name="config">The config, identified by its id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored config, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="PhoneHubValidationException">The config is invalid.</exception>
    Task<PhoneConfig?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default);

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
    Task<IReadOnlyList<PhoneConfig>> ListAsync(Stores.PhoneConfigQuery query, CancellationToken cancellationToken = default);

    /// <summary>Encrypts and stores a config's credentials, replacing any stored before. Write-only: there is no way to read them back.</summary>
    /// <param name="id">The config id.</param>
    /// <param name="credentials">The secrets.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the config exists.</returns>
    /// <exception cref="CredentialsUnavailableException">No encryption key is configured.</exception>
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

    /// <summary>Decrypts a config's credentials for a provider call.</summary>
    /// <param name="config">The config.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The context (credentials null when none are stored).</returns>
    Task<ProviderContext> GetProviderContextAsync(PhoneConfig config, CancellationToken cancellationToken = default);

    /// <summary>Checks a config's connection to its provider.</summary>
    /// <param name="id">The config id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result, or <see langword="null"/> when the config does not exist.</returns>
    Task<ConnectionTestResult?> TestConnectionAsync(long id, CancellationToken cancellationToken = default);
}
