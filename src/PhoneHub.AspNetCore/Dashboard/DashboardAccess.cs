using Microsoft.AspNetCore.Http;
using PhoneHub.AspNetCore.Authorization;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The answers for a page the caller may not use or a record it may not see.</summary>
internal static class DashboardAccess
{
    /// <summary>403, naming the permission the page needs (never what the caller holds).</summary>
    public static IResult Forbidden(DashboardRequest request, string permission) =>
        DashboardLayout.Error(request, StatusCodes.Status403Forbidden, "Not allowed",
            $"This page needs the {string.Join(" or ", PhoneHubPermissions.SatisfiedBy(permission).Select(p => $"'{p}'"))} permission.");

    /// <summary>404, the same for a missing record and another group's.</summary>
    public static IResult NotFound(DashboardRequest request, string what) =>
        DashboardLayout.Error(request, StatusCodes.Status404NotFound, "Not found", $"There is no such {what}.");
}
