using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tenancy;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>Who is calling a REST route: group, user and permissions, resolved once per request.</summary>
internal sealed class RestCaller
{
    private readonly IReadOnlyCollection<string> _granted;

    private RestCaller(string? group, string? user, IReadOnlyCollection<string> granted)
    {
        Group = group;
        User = user;
        _granted = granted;
    }

    /// <summary>The caller's group; null for a caller without one.</summary>
    public string? Group { get; }

    /// <summary>The caller's user id (the NameIdentifier claim, else <c>sub</c>).</summary>
    public string? User { get; }

    /// <summary>Whether the caller holds <paramref name="permission"/> or one that implies it.</summary>
    public bool Has(string permission) => PhoneHubPermissions.SatisfiedBy(permission).Any(_granted.Contains);

    /// <summary>Whether a record of <paramref name="group"/> belongs to the caller's group.</summary>
    public bool Owns(string? group) => string.Equals(group, Group, StringComparison.Ordinal);

    public static async ValueTask<RestCaller> GetAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(typeof(RestCaller), out var cached) && cached is RestCaller caller)
        {
            return caller;
        }

        var services = http.RequestServices;
        var group = await services.GetRequiredService<IPhoneHubTenantResolver>().GetGroupAsync(http).ConfigureAwait(false);
        var granted = await services.GetRequiredService<IPhoneHubPermissionResolver>().GetPermissionsAsync(http.User, http.RequestAborted).ConfigureAwait(false);
        var user = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? http.User.FindFirstValue("sub");
        caller = new RestCaller(group, user, granted);
        http.Items[typeof(RestCaller)] = caller;
        return caller;
    }
}
