using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The dashboard's routes below its prefix. Every action is a POST from one of its forms; every read is a GET.</summary>
internal static class DashboardEndpoints
{
    public static void Map(RouteGroupBuilder dashboard)
    {
        dashboard.MapGet("", (Func<HttpContext, Task<IResult>>)HomeAsync);
        dashboard.MapGet(DashboardAssets.StylePath, DashboardAssets.ServeStyle);
        dashboard.MapGet(DashboardAssets.ScriptPath, DashboardAssets.ServeScript);

        dashboard.MapGet("messages", MessagePages.ListAsync);
        dashboard.MapGet("messages/{id}", MessagePages.DetailAsync);
        dashboard.MapPost("messages/{id}/cancel", MessagePages.CancelAsync);

        dashboard.MapGet("send", (Func<HttpContext, Task<IResult>>)SendPages.FormAsync);
        dashboard.MapPost("send", SendPages.PostAsync);
        dashboard.MapGet("send/preview", SendPages.PreviewAsync);

        dashboard.MapGet("batches", BatchPages.ListAsync);
        dashboard.MapPost("batches", BatchPages.CreateAsync);
        dashboard.MapGet("batches/{id}", BatchPages.DetailAsync);
        dashboard.MapGet("batches/{id}/progress", BatchPages.ProgressAsync);

        dashboard.MapGet("reports", ReportPages.PageAsync);

        dashboard.MapGet("lookup", (Func<HttpContext, Task<IResult>>)LookupPages.FormAsync);
        dashboard.MapPost("lookup", LookupPages.PostAsync);

        dashboard.MapGet("configs", ConfigPages.ListAsync);
        dashboard.MapGet("configs/new", ConfigPages.NewAsync);
        dashboard.MapPost("configs", ConfigPages.CreateAsync);
        dashboard.MapGet("configs/{id}", ConfigPages.DetailAsync);
        dashboard.MapPost("configs/{id}", ConfigPages.UpdateAsync);
        dashboard.MapPost("configs/{id}/activate", ConfigPages.ActivateAsync);
        dashboard.MapPost("configs/{id}/test", ConfigPages.TestAsync);
        dashboard.MapPost("configs/{id}/credentials", ConfigPages.CredentialsAsync);
    }

    /// <summary>The root opens the first page the caller may use.</summary>
    private static async Task<IResult> HomeAsync(HttpContext http)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        return DashboardNavigation.Home(request) is { } page
            ? DashboardLayout.SeeOther(request.Url(page.Path))
            : DashboardLayout.Error(request, StatusCodes.Status403Forbidden, "No access",
                "You are signed in but hold no PhoneHub permission, so there is nothing to show. Ask for view_sms or another PhoneHub permission.");
    }
}
