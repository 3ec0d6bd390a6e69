using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneHub.Providers;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>Marks a provider webhook route, so the URL providers are told to call is read from the route itself.</summary>
/// <param name="Provider">The provider name.</param>
/// <param name="Kind"><see cref="Inbound"/> or <see cref="Status"/>.</param>
internal sealed record PhoneHubWebhookRoute(string Provider, string Kind)
{
    public const string Inbound = "inbound";
    public const string Status = "status";
}

/// <summary>
/// The status callback URL from the status webhook route as mapped (with the prefix given to <c>MapPhoneHub</c> and any
/// route group around it), under <see cref="PhoneHubOptions.PublicBaseUrl"/>. Before the routes are mapped (or in a host
/// that maps none) it falls back to the conventional path under <see cref="PhoneHubOptions.RoutePrefix"/>.
/// </summary>
internal sealed class MappedCallbackUrls(IServiceProvider services, IOptions<PhoneHubOptions> options) : IProviderCallbackUrls
{
    public string? GetStatusCallbackUrl(string provider)
    {
        var hub = options.Value;
        var path = FindRoute(provider, PhoneHubWebhookRoute.Status) ?? $"{hub.RoutePrefix.TrimEnd('/')}/sms/webhook/{provider}/status";
        return Combine(hub.PublicBaseUrl, path);
    }

    private string? FindRoute(string provider, string kind)
    {
        // The composite data source sees every endpoint the app mapped, including ones inside route groups.
        if (services.GetService<EndpointDataSource>() is not { } endpoints)
        {
            return null;
        }

        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint is RouteEndpoint route
                && endpoint.Metadata.GetMetadata<PhoneHubWebhookRoute>() is { } marker
                && marker.Provider == provider && marker.Kind == kind
                && route.RoutePattern.RawText is { } raw)
            {
                return "/" + raw.TrimStart('/');
            }
        }

        return null;
    }

    private static string? Combine(Uri? publicBaseUrl, string path) =>
        publicBaseUrl is { IsAbsoluteUri: true } baseUrl ? baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + path : null;
}
