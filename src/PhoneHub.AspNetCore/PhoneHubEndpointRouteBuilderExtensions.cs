using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Rest;
using PhoneHub.AspNetCore.Webhooks;

namespace PhoneHub.AspNetCore;

/// <summary>Mounts PhoneHub's HTTP surface.</summary>
public static class PhoneHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps PhoneHub's REST routes and provider webhooks under <paramref name="prefix"/>. Requires
    /// <c>services.AddPhoneHub(...).AddAspNetCore()</c>.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="prefix">The path prefix. Default <c>/api/phonehub</c>.</param>
    /// <returns>The route group, for further conventions such as <c>.RequireAuthorization()</c> or rate limiting.</returns>
    /// <exception cref="InvalidOperationException">PhoneHub's services were not registered.</exception>
    public static RouteGroupBuilder MapPhoneHub(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string prefix = "/api/phonehub")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IPhoneHub>() is null || endpoints.ServiceProvider.GetService<PhoneHubAspNetCoreMarker>() is null)
        {
            throw new InvalidOperationException(
                "PhoneHub's services are not registered. Call builder.Services.AddPhoneHub(...).AddAspNetCore() before app.MapPhoneHub().");
        }

        var group = endpoints.MapGroup(prefix);
        group.MapPhoneHubRest();
        group.MapPhoneHubWebhooks();
        return group;
    }
}
