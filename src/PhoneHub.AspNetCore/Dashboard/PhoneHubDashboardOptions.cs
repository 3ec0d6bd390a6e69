namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>Settings of the dashboard mounted by <c>app.MapPhoneHubDashboard(...)</c>.</summary>
public sealed class PhoneHubDashboardOptions
{
    /// <summary>
    /// The name of an authorization policy, registered by the host, that every dashboard request must satisfy (for example
    /// one that requires an administrator role). When <see langword="null"/> (the default), the dashboard requires an
    /// authenticated user of <see cref="AuthenticationSchemes"/>. Either way each page and action also requires the PhoneHub
    /// permission its REST route requires (<c>view_sms</c> for messages, <c>manage_sms</c> to send, <c>manage_phone_config</c>
    /// for configs, ...), read by the registered <see cref="Authorization.IPhoneHubPermissionResolver"/>.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// The authentication schemes that identify dashboard users when <see cref="AuthorizationPolicy"/> is not set, typically
    /// a cookie scheme (browsers send no bearer tokens). Empty (the default): the host's default scheme.
    /// </summary>
    public IList<string> AuthenticationSchemes { get; } = [];

    /// <summary>Messages per page in the message list (10 to 200). Default 25.</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>The title shown in the header and the browser tab. Default <c>PhoneHub</c>.</summary>
    public string Title { get; set; } = "PhoneHub";
}
