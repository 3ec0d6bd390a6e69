using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Tenancy;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// One dashboard request: who is asking (group, user and PhoneHub permissions, from the same resolvers the REST routes
/// use), where the dashboard is mounted, and the anti-forgery token its forms carry.
/// </summary>
internal sealed class DashboardRequest
{
    private readonly IReadOnlyCollection<string> _granted;
    private string? _formToken;

    private DashboardRequest(HttpContext http, DashboardMount mount, string? group, string? user, IReadOnlyCollection<string> granted)
    {
        Http = http;
        Mount = mount;
        Group = group;
        User = user;
        _granted = granted;
    }

    public HttpContext Http { get; }

    public DashboardMount Mount { get; }

    public PhoneHubDashboardOptions Options => Mount.Options;

    /// <summary>The caller's group; <see langword="null"/> for a caller without one (who sees records without a group).</summary>
    public string? Group { get; }

    /// <summary>The caller's user id (the NameIdentifier claim, else <c>sub</c>, else the identity's name).</summary>
    public string? User { get; }

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Whether the caller holds <paramref name="permission"/> or one that implies it.</summary>
    public bool Has(string permission) => PhoneHubPermissions.SatisfiedBy(permission).Any(_granted.Contains);

    /// <summary>Whether a record of <paramref name="group"/> belongs to the caller's group.</summary>
    public bool Owns(string? group) => string.Equals(group, Group, StringComparison.Ordinal);

    /// <summary>The absolute path of a dashboard page, for links and form actions.</summary>
    public string Url(string relative = "") =>
        relative.Length == 0 ? Mount.Root(Http) : Mount.Root(Http).TrimEnd('/') + "/" + relative;

    /// <summary>The anti-forgery request token for this page's forms (the cookie half is set on the response).</summary>
    public string FormToken => _formToken ??= Http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http).RequestToken
        ?? throw new InvalidOperationException("The anti-forgery service issued no request token.");

    /// <summary>The name of the form field that carries <see cref="FormToken"/>.</summary>
    public string FormTokenField => Http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http).FormFieldName;

    public static async ValueTask<DashboardRequest> GetAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(typeof(DashboardRequest), out var cached) && cached is DashboardRequest request)
        {
            return request;
        }

        var mount = http.GetEndpoint()?.Metadata.GetMetadata<DashboardMount>()
            ?? throw new InvalidOperationException("A dashboard handler ran outside the dashboard's routes.");
        var services = http.RequestServices;
        var group = await services.GetRequiredService<IPhoneHubTenantResolver>().GetGroupAsync(http).ConfigureAwait(false);
        var granted = await services.GetRequiredService<IPhoneHubPermissionResolver>().GetPermissionsAsync(http.User, http.RequestAborted).ConfigureAwait(false);
        var user = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? http.User.FindFirstValue("sub") ?? http.User.Identity?.Name;
        request = new DashboardRequest(http, mount, group, user, granted);
        http.Items[typeof(DashboardRequest)] = request;
        return request;
    }
}

/// <summary>Where one dashboard is mounted, carried as endpoint metadata so a host may map several.</summary>
internal sealed class DashboardMount(string prefix, PhoneHubDashboardOptions options)
{
    /// <summary>The route prefix, without a trailing slash ("" when mounted at the root).</summary>
    public string Prefix { get; } = prefix.TrimEnd('/');

    public PhoneHubDashboardOptions Options { get; } = options;

    /// <summary>The dashboard's root path as the browser sees it (with the request's path base), ending in a slash.</summary>
    public string Root(HttpContext http) => $"{http.Request.PathBase}{Prefix}/";
}
