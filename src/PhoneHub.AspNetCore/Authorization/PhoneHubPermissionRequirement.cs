using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace PhoneHub.AspNetCore.Authorization;

/// <summary>Requires one PhoneHub permission, as resolved by <see cref="IPhoneHubPermissionResolver"/>.</summary>
/// <param name="permission">One of <see cref="PhoneHubPermissions"/>.</param>
public sealed class PhoneHubPermissionRequirement(string permission) : IAuthorizationRequirement
{
    /// <summary>The permission required.</summary>
    public string Permission { get; } = permission;

    /// <inheritdoc />
    public override string ToString() => $"PhoneHub permission '{Permission}'";
}

/// <summary>Grants <see cref="PhoneHubPermissionRequirement"/> when the caller holds the permission or one that implies it.</summary>
internal sealed class PhoneHubPermissionHandler(IPhoneHubPermissionResolver resolver) : AuthorizationHandler<PhoneHubPermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PhoneHubPermissionRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var http = context.Resource as HttpContext;
        var granted = await resolver.GetPermissionsAsync(context.User, http?.RequestAborted ?? default).ConfigureAwait(false);
        if (PhoneHubPermissions.SatisfiedBy(requirement.Permission).Any(granted.Contains))
        {
            context.Succeed(requirement);
        }
    }
}
