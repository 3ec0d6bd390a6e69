using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using PhoneHub.AspNetCore.Errors;

namespace PhoneHub.AspNetCore.Authorization;

/// <summary>
/// Gives PhoneHub's routes ProblemDetails bodies for 401 and 403. The authorization middleware answers those itself,
/// before any endpoint filter runs, with an empty body; this handler lets the authentication scheme challenge or forbid
/// as usual (so <c>WWW-Authenticate</c> headers and redirects stay the scheme's) and then, on PhoneHub endpoints only,
/// writes the problem document. Other endpoints go to the handler the host had before.
/// </summary>
internal sealed class PhoneHubAuthorizationResultHandler(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PhoneHubRestEndpointMetadata>() is null || authorizeResult.Succeeded)
        {
            await inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
            return;
        }

        await inner.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);

        // A redirecting scheme (cookies) has already answered with 302: leave it alone.
        if (context.Response.HasStarted || context.Response.StatusCode is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden))
        {
            return;
        }

        var problem = context.Response.StatusCode == StatusCodes.Status401Unauthorized
            ? PhoneHubProblems.Unauthenticated()
            : PhoneHubProblems.Forbidden(Describe(policy));
        await problem.ExecuteAsync(context).ConfigureAwait(false);
    }

    // Names the permission the route needs (never what the caller holds), so a developer can fix the grant.
    private static string Describe(AuthorizationPolicy policy)
    {
        var needed = policy.Requirements.OfType<PhoneHubPermissionRequirement>()
            .Select(r => string.Join(" or ", PhoneHubPermissions.SatisfiedBy(r.Permission).Select(p => $"'{p}'")))
            .ToList();
        return needed.Count == 0
            ? "The caller is not allowed to use this route."
            : $"This route requires the {string.Join(" and ", needed)} permission.";
    }
}

/// <summary>Marks the endpoints of PhoneHub's REST routes.</summary>
internal sealed class PhoneHubRestEndpointMetadata
{
    public static readonly PhoneHubRestEndpointMetadata Instance = new();
}
