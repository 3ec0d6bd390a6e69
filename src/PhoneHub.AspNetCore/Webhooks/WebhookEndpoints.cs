using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The provider webhooks: Twilio inbound and status, AWS SNS.</summary>
internal static class WebhookEndpoints
{
    public static IServiceCollection AddPhoneHubWebhookServices(this IServiceCollection services) => services;

    public static RouteGroupBuilder MapPhoneHubWebhooks(this RouteGroupBuilder group) => group;
}
