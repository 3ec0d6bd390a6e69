using Microsoft.AspNetCore.Http;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>
/// The URL a provider called, as the provider saw it, which is what Twilio signs. Behind a TLS-terminating proxy the
/// request the app sees says <c>http://internal-host</c>, so the URL is reconstructed:
/// <list type="number">
/// <item><see cref="PhoneHubOptions.PublicBaseUrl"/>, when set, is the public URL of the application root (what
/// <see cref="HttpRequest.PathBase"/> maps to) and replaces scheme, host, port and path base;</item>
/// <item>otherwise the request's scheme and host are used, which the host's <c>UseForwardedHeaders()</c> middleware
/// rewrites from <c>X-Forwarded-Proto</c> / <c>X-Forwarded-Host</c> when it is enabled and trusts the proxy.</item>
/// </list>
/// The path and the query string are the request's own in both cases.
/// </summary>
internal static class PublicRequestUrl
{
    /// <summary>The candidate URLs, most likely first, without duplicates.</summary>
    public static IReadOnlyList<string> Build(HttpRequest request, Uri? publicBaseUrl)
    {
        var pathAndQuery = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        if (publicBaseUrl is { IsAbsoluteUri: true })
        {
            // The original spelling is what the host most likely configured at the provider; Uri's canonical form
            // (lower-case host, default port dropped) is what code that built callback URLs from a Uri sent.
            return new[]
            {
                publicBaseUrl.OriginalString.TrimEnd('/') + pathAndQuery,
                publicBaseUrl.AbsoluteUri.TrimEnd('/') + pathAndQuery,
            }.Distinct(StringComparer.Ordinal).ToList();
        }

        return [request.Scheme + "://" + request.Host.ToUriComponent() + request.PathBase.ToUriComponent() + pathAndQuery];
    }
}
