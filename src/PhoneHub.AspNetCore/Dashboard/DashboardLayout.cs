using System.Text;
using Microsoft.AspNetCore.Http;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The frame around every page: head, header, navigation, and the security headers of every answer.</summary>
internal static class DashboardLayout
{
    // Only the dashboard's own embedded files: no inline script or style, no other origin, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>A complete page with <paramref name="content"/> in its main area.</summary>
    public static IResult Page(DashboardRequest request, string title, string? current, Action<HtmlWriter> content, int status = StatusCodes.Status200OK)
    {
        var html = new HtmlWriter();
        html.Raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"robots\" content=\"noindex\">")
            .Raw("<title>").Text(title).Text(" · ").Text(request.Options.Title).Raw("</title>")
            .Raw("<link rel=\"stylesheet\"").Attr("href", request.Url(DashboardAssets.StylePath)).Raw(">")
            .Raw("<script defer").Attr("src", request.Url(DashboardAssets.ScriptPath)).Raw("></script>")
            .Raw("</head><body>");

        html.Raw("<header class=\"top\"><a class=\"brand\"").Attr("href", request.Url()).Raw(">").Text(request.Options.Title).Raw("</a>")
            .Raw("<span class=\"who\">").Text(request.User ?? "signed in")
            .Raw(" · ").Text(request.Group is null ? "no group" : "group " + request.Group).Raw("</span></header>");

        html.Raw("<nav class=\"side\" aria-label=\"Dashboard\"><ul>");
        foreach (var page in DashboardNavigation.Pages.Where(p => request.Has(p.Permission)))
        {
            html.Raw("<li><a").Attr("href", request.Url(page.Path));
            if (page.Key == current)
            {
                html.Raw(" aria-current=\"page\"");
            }

            html.Raw(">").Text(page.Title).Raw("</a></li>");
        }

        html.Raw("</ul></nav><main>");
        html.Element("h1", title);
        content(html);
        html.Raw("</main></body></html>");
        return new HtmlResult(html.ToString(), status);
    }

    /// <summary>An error page (400, 403, 404) in the same frame, saying what went wrong and nothing about the host.</summary>
    public static IResult Error(DashboardRequest request, int status, string title, string detail) =>
        Page(request, title, null, html => html.Element("p", detail, "notice error"), status);

    /// <summary>Redirects after a successful post (post/redirect/get), so reloading never repeats the action.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    /// <summary>Headers every dashboard answer carries, pages and assets alike.</summary>
    public static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
    }

    private sealed class HtmlResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            // Pages show a tenant's data: never cached by a browser or proxy.
            response.Headers.CacheControl = "no-store";
            SecurityHeaders(response);
            return response.WriteAsync(html, Encoding.UTF8, httpContext.RequestAborted);
        }
    }

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            httpContext.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }
}
