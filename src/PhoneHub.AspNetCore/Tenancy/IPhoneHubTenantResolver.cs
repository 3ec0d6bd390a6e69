using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using PhoneHub.AspNetCore.Authorization;

namespace PhoneHub.AspNetCore.Tenancy;

/// <summary>
/// Says which group (organization) a caller belongs to. Messages and configs of one group are invisible to callers of
/// another. The default reads the <see cref="PhoneHubClaimTypes.Group"/> claim; register your own to take the group from a
/// route value, a header checked against the user, or a database.
/// </summary>
public interface IPhoneHubTenantResolver
{
    /// <summary>Gets the caller's group.</summary>
    /// <param name="context">The request, with its authenticated user.</param>
    /// <returns>The group, or <see langword="null"/> when the caller belongs to none (a single-tenant host).</returns>
    ValueTask<string?> GetGroupAsync(HttpContext context);
}

/// <summary>The default <see cref="IPhoneHubTenantResolver"/>: the caller's <see cref="PhoneHubClaimTypes.Group"/> claim.</summary>
public sealed class ClaimsTenantResolver : IPhoneHubTenantResolver
{
    /// <inheritdoc />
    public ValueTask<string?> GetGroupAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var group = context.User.FindFirstValue(PhoneHubClaimTypes.Group);
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(group) ? null : group);
    }
}
