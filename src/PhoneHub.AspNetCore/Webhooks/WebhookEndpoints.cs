using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneHub.Configuration;
using PhoneHub.Providers;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The provider webhooks: Twilio inbound and status, AWS SNS.</summary>
internal static class WebhookEndpoints
{
    /// <summary>The path of Twilio's inbound-message webhook, relative to the route prefix.</summary>
    public const string TwilioInboundPath = "sms/webhook/twilio";

    /// <summary>The path of Twilio's status-callback webhook, relative to the route prefix.</summary>
    public const string TwilioStatusPath = "sms/webhook/twilio/status";

    /// <summary>The path of the SNS webhook, relative to the route prefix.</summary>
    public const string AwsPath = "sms/webhook/aws";

    public static IServiceCollection AddPhoneHubWebhookServices(this IServiceCollection services)
    {
        services.AddOptions<PhoneHubWebhookOptions>()
            .BindConfiguration(PhoneHubWebhookOptions.SectionName)
            .Validate(o => o.MaxBodyBytes > 0, "PhoneHub webhook option MaxBodyBytes must be positive.")
            .Validate(o => o.TwilioCredentialCacheDuration >= TimeSpan.Zero, "PhoneHub webhook option TwilioCredentialCacheDuration must not be negative.")
            .Validate(o => o.SnsCertificateCacheDuration >= TimeSpan.Zero, "PhoneHub webhook option SnsCertificateCacheDuration must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TwilioWebhookTenants>();
        services.TryAddSingleton<WebhookMetrics>();

        // Callback URLs sent to providers are read from the routes actually mapped, so they follow MapPhoneHub's prefix.
        services.Replace(ServiceDescriptor.Singleton<IProviderCallbackUrls, MappedCallbackUrls>());
        services.TryAddSingleton<SnsMessageVerifier>();
        services.AddHttpClient(PhoneHubWebhookOptions.SnsHttpClientName, client => client.Timeout = TimeSpan.FromSeconds(15));
        return services;
    }

    public static RouteGroupBuilder MapPhoneHubWebhooks(this RouteGroupBuilder group)
    {
        // Providers cannot log in: the webhooks are anonymous even when the host requires authorization on the group,
        // and each one is guarded by its provider's signature instead. The telemetry filter comes first, so requests
        // the signature check turns away are counted and traced too.
        group.MapPost(TwilioInboundPath, TwilioWebhookEndpoints.InboundAsync)
            .AddEndpointFilter(new WebhookTelemetryFilter(PhoneProviders.Twilio, PhoneHubWebhookRoute.Inbound))
            .AddEndpointFilter(new TwilioSignatureFilter(TwilioWebhookKind.Inbound))
            .WithMetadata(new PhoneHubWebhookRoute(PhoneProviders.Twilio, PhoneHubWebhookRoute.Inbound))
            .WithName("PhoneHubTwilioInboundWebhook")
            .AllowAnonymous()
            .WithTags("Webhooks")
            .WithSummary("Twilio inbound SMS webhook (signature-checked; answers TwiML).")
            .Produces(StatusCodes.Status200OK, contentType: "text/xml")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost(TwilioStatusPath, TwilioWebhookEndpoints.StatusAsync)
            .AddEndpointFilter(new WebhookTelemetryFilter(PhoneProviders.Twilio, PhoneHubWebhookRoute.Status))
            .AddEndpointFilter(new TwilioSignatureFilter(TwilioWebhookKind.Status))
            .WithMetadata(new PhoneHubWebhookRoute(PhoneProviders.Twilio, PhoneHubWebhookRoute.Status))
            .WithName("PhoneHubTwilioStatusWebhook")
            .AllowAnonymous()
            .WithTags("Webhooks")
            .WithSummary("Twilio message status callback (signature-checked).")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost(AwsPath, AwsWebhookEndpoints.HandleAsync)
            .AddEndpointFilter(new WebhookTelemetryFilter(PhoneProviders.Aws, PhoneHubWebhookRoute.Inbound))
            .AddEndpointFilter(new SnsSignatureFilter())
            .WithMetadata(new PhoneHubWebhookRoute(PhoneProviders.Aws, PhoneHubWebhookRoute.Inbound))
            .WithName("PhoneHubAwsWebhook")
            .AllowAnonymous()
            .WithTags("Webhooks")
            .WithSummary("Amazon SNS webhook for two-way SMS (signature-checked).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return group;
    }
}
