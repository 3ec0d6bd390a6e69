using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneHub;
using PhoneHub.AspNetCore;
using PhoneHub.AspNetCore.Rest;
using PhoneHub.AspNetCore.Webhooks;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts PhoneHub's HTTP surface.</summary>
public static class PhoneHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps PhoneHub's REST routes and provider webhooks under <paramref name="prefix"/>. Requires
    /// <c>services.AddPhoneHub(...).AddAspNetCore()</c> and an authentication scheme (the REST routes need an
    /// authenticated caller; the webhooks are checked by signature instead). Callback URLs that PhoneHub sends to
    /// providers are read from these routes, so they follow <paramref name="prefix"/>.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="prefix">The path prefix; by default <see cref="PhoneHubOptions.RoutePrefix"/> (<c>/api/phonehub</c>).</param>
    /// <returns>The route group, for further conventions such as <c>.RequireAuthorization()</c> or rate limiting.</returns>
    /// <exception cref="InvalidOperationException">PhoneHub's services, authentication or authorization are not registered.</exception>
    public static RouteGroupBuilder MapPhoneHub(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        if (services.GetService<IPhoneHub>() is null || services.GetService<PhoneHubAspNetCoreMarker>() is null)
        {
            throw new InvalidOperationException(
                "PhoneHub's services are not registered. Call builder.Services.AddPhoneHub(...).AddAspNetCore() before app.MapPhoneHub().");
        }

        if (services.GetService<IAuthenticationSchemeProvider>() is not { } schemes
            || !schemes.GetAllSchemesAsync().GetAwaiter().GetResult().Any())
        {
            throw new InvalidOperationException(
                "PhoneHub's REST routes need authentication, and no authentication scheme is registered. Add one before " +
                "app.MapPhoneHub(), for example builder.Services.AddAuthentication().AddJwtBearer(...), and issue 'group' and " +
                "'permission' claims (see the PhoneHub README, \"ASP.NET Core\").");
        }

        if (schemes.GetDefaultChallengeSchemeAsync().GetAwaiter().GetResult() is null)
        {
            throw new InvalidOperationException(
                "PhoneHub's REST routes challenge unauthenticated callers with the default authentication scheme, and none is set: " +
                "name it, for example builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).");
        }

        // Asked without resolving: a host's permission resolver may be scoped, and this runs on the root provider.
        if (services.GetService<IServiceProviderIsService>() is { } known && !known.IsService(typeof(IAuthorizationService)))
        {
            throw new InvalidOperationException("PhoneHub's REST routes need authorization: call builder.Services.AddAuthorization() before app.MapPhoneHub().");
        }

        var group = endpoints.MapGroup(prefix ?? services.GetRequiredService<IOptions<PhoneHubOptions>>().Value.RoutePrefix);
        group.MapPhoneHubRest();
        group.MapPhoneHubWebhooks();
        return group;
    }
}
