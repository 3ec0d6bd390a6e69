using PhoneHub.AspNetCore.Authorization;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>A page in the dashboard's navigation.</summary>
/// <param name="Key">Identifies the page (marks the current one).</param>
/// <param name="Title">The link text.</param>
/// <param name="Path">The path below the dashboard's root.</param>
/// <param name="Permission">The PhoneHub permission the page needs; the link is shown only to callers who hold it.</param>
internal sealed record DashboardPage(string Key, string Title, string Path, string Permission);

/// <summary>
/// The navigation, in order. A new area (opt-outs, verification) is one row here plus its page class mapped in
/// <see cref="DashboardEndpoints"/>; links appear only for callers holding the page's permission.
/// </summary>
internal static class DashboardNavigation
{
    public const string Messages = "messages";
    public const string Send = "send";
    public const string Batches = "batches";
    public const string Reports = "reports";
    public const string Lookup = "lookup";
    public const string Configs = "configs";

    public static IReadOnlyList<DashboardPage> Pages { get; } =
    [
        new(Messages, "Messages", "messages", PhoneHubPermissions.ViewSms),
        new(Send, "Send", "send", PhoneHubPermissions.ManageSms),
        new(Batches, "Batches", "batches", PhoneHubPermissions.ViewSms),
        new(Reports, "Reports", "reports", PhoneHubPermissions.ViewSms),
        new(Lookup, "Lookup", "lookup", PhoneHubPermissions.ViewPhoneNumbers),
        new(Configs, "Configs", "configs", PhoneHubPermissions.ManagePhoneConfig),
    ];

    /// <summary>The first page the caller may open, for the dashboard's root.</summary>
    public static DashboardPage? Home(DashboardRequest request) => Pages.FirstOrDefault(p => request.Has(p.Permission));
}
