using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Lookup;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// The lookup box. A lookup may call the provider (and cost money), so it is a form post with anti-forgery, answered
/// through the shared cache like the REST route.
/// </summary>
internal static class LookupPages
{
    public static async Task<IResult> FormAsync(HttpContext http)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        return !request.Has(PhoneHubPermissions.ViewPhoneNumbers)
            ? DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewPhoneNumbers)
            : Page(request, number: null, result: null, error: null);
    }

    public static async Task<IResult> PostAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] ILoggerFactory loggers)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewPhoneNumbers))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewPhoneNumbers);
        }

        var (form, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var number = form.Value("number");
        try
        {
            var result = await hub.LookupAsync(number ?? "", form.Checked("refresh"), request.Group, request.User, request.Aborted).ConfigureAwait(false);
            return Page(request, number, result, error: null);
        }
        catch (PhoneHubException ex)
        {
            return Page(request, number, result: null, DashboardErrors.Describe(ex, loggers.Dashboard()).Summary, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Page(DashboardRequest request, string? number, PhoneNumber? result, string? error, int status = StatusCodes.Status200OK) =>
        DashboardLayout.Page(request, "Lookup", DashboardNavigation.Lookup, html =>
        {
            html.Raw("<form class=\"panel filters\" method=\"post\"").Attr("action", request.Url("lookup")).Raw(">")
                .Hidden(request.FormTokenField, request.FormToken)
                .Raw("<label>Number<input type=\"tel\" name=\"number\" required").Attr("value", number).Raw("></label>")
                .Raw("<label class=\"check\"><input type=\"checkbox\" name=\"refresh\"> Ask the provider even if the cache is fresh</label>")
                .Raw("<button type=\"submit\">Look up</button></form>");
            if (error is not null)
            {
                html.Element("p", error, "notice error");
            }

            if (result is null)
            {
                html.Element("p", "Answers come from memory, then the store, then the provider; each config decides whether the provider may be asked.", "muted");
                return;
            }

            html.Raw("<div class=\"panel lookup-result\"><dl class=\"facts\">")
                .Term("Number", result.E164)
                .Term("Valid", result.IsValid ? "yes" : "no")
                .Term("Country code", result.CountryCode)
                .Term("Region", result.Region)
                .Term("Carrier", result.Carrier)
                .Term("Line type", result.LineType)
                .Term("Mobile", YesNo(result.IsMobile))
                .Term("VoIP", YesNo(result.IsVoip))
                .Term("Caller name", result.CallerName)
                .Term("Caller type", result.CallerType?.ToString())
                .Term("Answered by", result.LookupProvider)
                .Term("Fresh until", DashboardFormat.Time(result.LookupExpiresAt))
                .Term("Last provider lookup", DashboardFormat.Time(result.LastLookupAt))
                .Term("Provider lookups", DashboardFormat.Number(result.LookupCount))
                .Raw("</dl></div>");
        }, status);

    private static string? YesNo(bool? value) => value switch
    {
        true => "yes",
        false => "no",
        null => null,
    };
}
