using Microsoft.Extensions.Options;

namespace PhoneHub.Providers;

/// <summary>
/// The public URLs providers call back (delivery reports), so providers that send them with each message (Twilio's
/// <c>StatusCallback</c>) always name the route the host really serves. The ASP.NET Core package replaces the default
/// with one that reads the routes <c>MapPhoneHub</c> mapped, whatever prefix or route group they were mapped under.
/// </summary>
public interface IProviderCallbackUrls
{
    /// <summary>The absolute URL of <paramref name="provider"/>'s status webhook, or <see langword="null"/> when the host has no public URL (no callback is requested then).</summary>
    /// <param name="provider">The provider name, for example <c>twilio</c>.</param>
    /// <returns>The URL, or <see langword="null"/>.</returns>
    string? GetStatusCallbackUrl(string provider);
}

/// <summary>
/// The default <see cref="IProviderCallbackUrls"/>, for hosts without PhoneHub's ASP.NET Core routes: the conventional
/// path <c>{RoutePrefix}/sms/webhook/{provider}/status</c> under <see cref="PhoneHubOptions.PublicBaseUrl"/>.
/// </summary>
internal sealed class ConventionalCallbackUrls(IOptions<PhoneHubOptions> options) : IProviderCallbackUrls
{
    public string? GetStatusCallbackUrl(string provider) => Combine(options.Value.PublicBaseUrl, options.Value.RoutePrefix, $"/sms/webhook/{provider}/status");

    /// <summary>Joins the public base URL (its path kept), a route prefix and a path; null without a base URL.</summary>
    public static string? Combine(Uri? publicBaseUrl, string prefix, string path)
    {
        if (publicBaseUrl is not { IsAbsoluteUri: true } baseUrl)
        {
            return null;
        }

        var root = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var middle = prefix.Trim('/');
        return (middle.Length == 0 ? root : root + "/" + middle) + "/" + path.TrimStart('/');
    }
}
