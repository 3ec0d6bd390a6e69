using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneHub;
using PhoneHub.AspNetCore;
using PhoneHub.AspNetCore.Rest;
using PhoneHub.AspNetCore.Webhooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services behind <c>MapPhoneHub()</c>.</summary>
public static class PhoneHubAspNetCoreBuilderExtensions
{
    /// <summary>
    /// Adds what PhoneHub's endpoints need: authorization policies, tenancy and permission resolvers, webhook validation,
    /// callback URLs read from the mapped routes, and anti-forgery for the dashboard's forms. The host registers its own authentication scheme.
    /// </summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddAspNetCore(this IPhoneHubBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<PhoneHubAspNetCoreMarker>();
        builder.Services.AddPhoneHubRestServices();
        builder.Services.AddPhoneHubWebhookServices();
        // The dashboard's forms carry anti-forgery tokens; registering the service is harmless for hosts without it.
        builder.Services.AddAntiforgery();
        return builder;
    }

    /// <summary>Changes the webhook settings (body size limit, SNS topic allow-list, caches) in code; they also bind from <c>PhoneHub:Webhooks</c>.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder ConfigureWebhooks(this IPhoneHubBuilder builder, Action<PhoneHubWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
