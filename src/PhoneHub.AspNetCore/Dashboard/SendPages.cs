using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The send form, with a live segment and price preview (and a server-side preview button without script).</summary>
internal static class SendPages
{
    public static async Task<IResult> FormAsync(HttpContext http)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        return !request.Has(PhoneHubPermissions.ManageSms)
            ? DashboardAccess.Forbidden(request, PhoneHubPermissions.ManageSms)
            : Form(request, to: null, from: null, body: "", preview: null, error: null);
    }

    public static async Task<IResult> PostAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] ILoggerFactory loggers)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManageSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManageSms);
        }

        var (form, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var to = form.Value("to");
        var from = form.Value("from");
        var body = form["body"].ToString();
        if (form.Value("action") == "preview")
        {
            var preview = await SendPreview.ForAsync(body, request.Group, hub.Messages, request.Aborted).ConfigureAwait(false);
            return Form(request, to, from, body, preview, error: null);
        }

        SmsMessage message;
        try
        {
            // Not tied to the request: once recorded, the message should reach a final state even if the browser goes away.
            message = await hub.SendSmsAsync(new SendSmsRequest { To = to ?? "", Body = body, From = from }, request.Group, request.User, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (PhoneHubException ex)
        {
            return Form(request, to, from, body, preview: null, error: DashboardErrors.Describe(ex, loggers.Dashboard()), status: StatusCodes.Status400BadRequest);
        }

        var log = loggers.Dashboard();
        DashboardLog.MessageSent(log, message.Id, request.User, request.Group);
        return DashboardLayout.SeeOther(request.Url("messages/" + DashboardFormat.Number(message.Id)) + "?sent=1");
    }

    /// <summary>The preview as JSON, for the form's script; reads only, so a GET.</summary>
    public static async Task<IResult> PreviewAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] IOptions<PhoneHubOptions> options)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManageSms))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var body = http.Request.Query["body"].ToString();
        if (body.Length > options.Value.MaxBodyLength)
        {
            body = body[..options.Value.MaxBodyLength];
        }

        var preview = await SendPreview.ForAsync(body, request.Group, hub.Messages, request.Aborted).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        DashboardLayout.SecurityHeaders(http.Response);
        return TypedResults.Json(new
        {
            characters = preview.Characters,
            encoding = preview.Encoding,
            segments = preview.Segments,
            per_segment = preview.PerSegment,
            estimated_price = preview.EstimatedPrice,
            price_unit = preview.PriceUnit,
            summary = preview.Summary,
        });
    }

    private static IResult Form(
        DashboardRequest request,
        string? to,
        string? from,
        string body,
        SendPreview? preview,
        (string Summary, IReadOnlyDictionary<string, string[]> Fields)? error,
        int status = StatusCodes.Status200OK) =>
        DashboardLayout.Page(request, "Send a message", DashboardNavigation.Send, html =>
        {
            if (error is { } e)
            {
                DashboardErrors.Write(html, e.Summary, e.Fields);
            }

            html.Raw("<form class=\"panel send\" method=\"post\"").Attr("action", request.Url("send"))
                .Attr("data-preview-url", request.Url("send/preview")).Raw(">")
                .Hidden(request.FormTokenField, request.FormToken)
                .Raw("<div class=\"fields\">")
                .Raw("<label>To<input type=\"tel\" name=\"to\" required autocomplete=\"off\" placeholder=\"+14155551234\"").Attr("value", to).Raw("></label>")
                .Raw("<label>From (optional: the config's sender)<input type=\"text\" name=\"from\" autocomplete=\"off\"").Attr("value", from).Raw("></label>")
                .Raw("</div>")
                .Raw("<label>Message<textarea name=\"body\" rows=\"6\">").Text(body).Raw("</textarea></label>")
                .Raw("<output class=\"preview\" data-preview aria-live=\"polite\"");
            if (preview is not null)
            {
                html.Attr("data-segments", DashboardFormat.Number(preview.Segments));
            }

            html.Raw(">").Text(preview?.Summary ?? "Type a message to see its segments and price.").Raw("</output>")
                .Raw("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"send\">Send</button>")
                .Raw("<button type=\"submit\" name=\"action\" value=\"preview\" class=\"secondary\">Preview</button></div>")
                .Raw("</form>")
                .Element("p", (request.Group is null ? "Sent through the system default config" : "Sent through the config of group " + request.Group)
                    + "; a config in test mode records the message and sends nothing.", "muted");
        }, status);
}
