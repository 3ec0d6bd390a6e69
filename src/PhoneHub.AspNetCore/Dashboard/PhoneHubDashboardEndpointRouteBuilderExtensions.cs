using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub;
using PhoneHub.AspNetCore;
using PhoneHub.AspNetCore.Dashboard;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts PhoneHub's operations dashboard.</summary>
public static class PhoneHubDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps PhoneHub's dashboard under <paramref name="prefix"/>: messages (filters, paging, detail with timeline), a send
    /// form with a live segment and price preview, bulk batches with progress, reports (messages per day by status and spend per day
    /// as inline SVG charts), a lookup box, and configs (create, edit, activate, connection test, write-only credentials). Pages are rendered on the server and read without script; the
    /// style sheet and script are embedded, nothing is fetched from another origin. Every form carries an anti-forgery
    /// token, each page requires the PhoneHub permission its REST route requires, and callers see their own group only.
    /// </summary>
    /// <param name="endpoints">The app or a route group.</param>
    /// <param name="prefix">The path prefix, for example <c>/phonehub</c>, or <c>/</c> for the site's root.</param>
    /// <param name="configure">Changes the dashboard's options (authorization policy or schemes, page size, title).</param>
    /// <returns>The route group, for further conventions such as <c>.RequireAuthorization("Operators")</c> or rate limiting.</returns>
    /// <exception cref="InvalidOperationException">PhoneHub's services, authentication or authorization are not registered.</exception>
    public static RouteGroupBuilder MapPhoneHubDashboard(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string prefix = "/phonehub",
        Action<PhoneHubDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = endpoints.ServiceProvider;
        if (services.GetService<IPhoneHub>() is null || services.GetService<PhoneHubAspNetCoreMarker>() is null || services.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException(
                "PhoneHub's services are not registered. Call builder.Services.AddPhoneHub(...).AddAspNetCore() before app.MapPhoneHubDashboard().");
        }

        if (services.GetService<IAuthenticationSchemeProvider>() is not { } schemes || !schemes.GetAllSchemesAsync().GetAwaiter().GetResult().Any())
        {
            throw new InvalidOperationException(
                "PhoneHub's dashboard needs signed-in users, and no authentication scheme is registered. Add one before " +
                "app.MapPhoneHubDashboard(), for example builder.Services.AddAuthentication().AddCookie(...), issuing 'group' and " +
                "'permission' claims (see the PhoneHub README, \"Dashboard\").");
        }

        if (services.GetService<IServiceProviderIsService>() is { } known && !known.IsService(typeof(IAuthorizationService)))
        {
            throw new InvalidOperationException("PhoneHub's dashboard needs authorization: call builder.Services.AddAuthorization() before app.MapPhoneHubDashboard().");
        }

        var options = new PhoneHubDashboardOptions();
        configure?.Invoke(options);
        if (options.PageSize is < 10 or > 200)
        {
            throw new InvalidOperationException($"PhoneHubDashboardOptions.PageSize must be 10 to 200; it is {options.PageSize}.");
        }

        var group = endpoints.MapGroup(prefix)
            .WithMetadata(new DashboardMount(prefix, options))
            .ExcludeFromDescription()
            .AddEndpointFilter<DashboardExceptionFilter>();
        if (options.AuthorizationPolicy is { } policyName)
        {
            group.RequireAuthorization(policyName);
        }
        else
        {
            group.RequireAuthorization(policy =>
            {
                policy.RequireAuthenticatedUser();
                foreach (var scheme in options.AuthenticationSchemes)
                {
                    policy.AuthenticationSchemes.Add(scheme);
                }
            });
        }

        DashboardEndpoints.Map(group);
        return group;
    }
}
