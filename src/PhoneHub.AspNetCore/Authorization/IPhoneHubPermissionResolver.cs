using System.Security.Claims;

namespace PhoneHub.AspNetCore.Authorization;

/// <summary>
/// Says which PhoneHub permissions a caller holds. The default reads claims of type <see cref="PhoneHubClaimTypes.Permission"/>;
/// register your own (for example one that maps roles or asks a database) to use another scheme.
/// </summary>
/// <remarks>Return the permissions as granted; PhoneHub itself applies "manage implies view".</remarks>
public interface IPhoneHubPermissionResolver
{
    /// <summary>Gets the permission names the caller holds.</summary>
    /// <param name="user">The authenticated caller.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Permission names, typically from <see cref="PhoneHubPermissions"/>; unknown names are ignored.</returns>
    ValueTask<IReadOnlyCollection<string>> GetPermissionsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);
}

/// <summary>The default <see cref="IPhoneHubPermissionResolver"/>: claims of type <see cref="PhoneHubClaimTypes.Permission"/>.</summary>
public sealed class ClaimsPermissionResolver : IPhoneHubPermissionResolver
{
    private static readonly char[] Separators = [' ', ','];

    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> GetPermissionsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);

        // A claim may carry one permission or several (OAuth scopes are space-separated), so both shapes work.
        var permissions = user.FindAll(PhoneHubClaimTypes.Permission)
            .SelectMany(c => c.Value.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyCollection<string>>(permissions);
    }
}
