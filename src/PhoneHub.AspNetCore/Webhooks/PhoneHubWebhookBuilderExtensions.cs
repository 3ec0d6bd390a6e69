using Microsoft.Extensions.DependencyInjection;

namespace PhoneHub.AspNetCore;

/// <summary>Configures PhoneHub's provider webhooks.</summary>
public static class PhoneHubWebhookBuilderExtensions
{
    /// <summary>Changes the webhook settings (body size limit, SNS topic allow-list, caches).</summary>
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
