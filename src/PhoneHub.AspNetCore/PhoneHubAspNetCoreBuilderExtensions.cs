using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneHub.AspNetCore.Rest;
using PhoneHub.AspNetCore.Webhooks;

namespace PhoneHub.AspNetCore;

/// <summary>Registers the services behind <c>MapPhoneHub()</c>.</summary>
public static class PhoneHubAspNetCoreBuilderExtensions
{
    /// <summary>Adds what PhoneHub's endpoints need: authorization policies, tenancy and permission resolvers, webhook validation.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder AddAspNetCore(this IPhoneHubBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<PhoneHubAspNetCoreMarker>();
        builder.Services.AddPhoneHubRestServices();
        builder.Services.AddPhoneHubWebhookServices();
        return builder;
    }
}

/// <summary>Marks that <see cref="PhoneHubAspNetCoreBuilderExtensions.AddAspNetCore"/> ran.</summary>
internal sealed class PhoneHubAspNetCoreMarker;
