using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>The REST routes: phone numbers, SMS and configs.</summary>
internal static class RestEndpoints
{
    public static IServiceCollection AddPhoneHubRestServices(this IServiceCollection services) => services;

    public static RouteGroupBuilder MapPhoneHubRest(this RouteGroupBuilder group) => group;
}
