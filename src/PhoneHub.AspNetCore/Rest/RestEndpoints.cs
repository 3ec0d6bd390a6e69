using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Errors;
using PhoneHub.AspNetCore.Tenancy;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>The REST routes: phone numbers, SMS, configs and verification.</summary>
internal static class RestEndpoints
{
    public static IServiceCollection AddPhoneHubRestServices(this IServiceCollection services)
    {
        services.AddOptions<PhoneHubRestOptions>().BindConfiguration(PhoneHubRestOptions.SectionName)
            .Validate(o => o.MaxRequestBodySize > 0 && o.MaxBulkRequestBodySize > 0 && o.MaxBulkMessages > 0,
                $"{PhoneHubRestOptions.SectionName}: MaxRequestBodySize, MaxBulkRequestBodySize and MaxBulkMessages must be positive.")
            .ValidateOnStart();

        // Defaults only: a host's own resolvers, registered before or after, win.
        services.TryAddSingleton<IPhoneHubPermissionResolver, ClaimsPermissionResolver>();
        services.TryAddSingleton<IPhoneHubTenantResolver, ClaimsTenantResolver>();
        // Transient like ASP.NET Core's own handlers, so a host's resolver may be scoped (for example one that reads a database).
        services.TryAddEnumerable(ServiceDescriptor.Transient<IAuthorizationHandler, PhoneHubPermissionHandler>());
        services.AddAuthorization(options =>
        {
            foreach (var permission in PhoneHubPermissions.All)
            {
                options.AddPolicy(PhoneHubPolicies.Prefix + permission, policy => policy
                    .RequireAuthenticatedUser()
                    .AddRequirements(new PhoneHubPermissionRequirement(permission)));
            }
        });
        DecorateAuthorizationResultHandler(services);
        return services;
    }

    public static RouteGroupBuilder MapPhoneHubRest(this RouteGroupBuilder group)
    {
        // A sub-group without a prefix, so the filter and metadata reach the REST routes and not the webhooks.
        var rest = group.MapGroup("")
            .WithMetadata(PhoneHubRestEndpointMetadata.Instance)
            .AddEndpointFilter<PhoneHubExceptionFilter>()
            .IdsAreIntegers()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        WarnIfResultHandlerReplaced(((IEndpointRouteBuilder)group).ServiceProvider);
        PhoneEndpoints.Map(rest);
        SmsEndpoints.Map(rest);
        ConfigEndpoints.Map(rest);
        VerificationEndpoints.Map(rest);
        return group;
    }

    private static void WarnIfResultHandlerReplaced(IServiceProvider services)
    {
        var handler = services.GetService<IAuthorizationMiddlewareResultHandler>();
        if (handler is not null and not PhoneHubAuthorizationResultHandler)
        {
            RestLog.ResultHandlerReplaced(services.GetRequiredService<ILoggerFactory>().Rest(), handler.GetType().FullName ?? handler.GetType().Name);
        }
    }

    /// <summary>
    /// Wraps whichever <see cref="IAuthorizationMiddlewareResultHandler"/> is registered (the default, or the host's)
    /// so PhoneHub's 401 and 403 answers get problem bodies while every other endpoint behaves as before.
    /// </summary>
    private static void DecorateAuthorizationResultHandler(IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing?.ImplementationFactory?.Target is DecoratedMarker)
        {
            return;
        }

        services.RemoveAll<IAuthorizationMiddlewareResultHandler>();
        var marker = new DecoratedMarker(existing);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(marker.Create);
    }

    private sealed class DecoratedMarker(ServiceDescriptor? inner)
    {
        public PhoneHubAuthorizationResultHandler Create(IServiceProvider services)
        {
            var handler = inner switch
            {
                null => new AuthorizationMiddlewareResultHandler(),
                { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
                { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(services),
                { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(services, type),
                _ => new AuthorizationMiddlewareResultHandler(),
            };
            return new PhoneHubAuthorizationResultHandler(handler);
        }
    }
}
