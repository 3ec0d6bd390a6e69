using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// Reads a dashboard form post: bounded in size, and accepted only with a valid anti-forgery token (every dashboard
/// action is a form post, so another site cannot make a signed-in operator's browser send, activate or store anything).
/// </summary>
internal static class DashboardForms
{
    /// <summary>The largest form accepted: room for a bulk batch of some thousands of numbers.</summary>
    public const long MaxFormBytes = 1024 * 1024;

    private static readonly FormOptions Limits = new()
    {
        ValueLengthLimit = (int)MaxFormBytes,
        ValueCountLimit = 256,
        KeyLengthLimit = 200,
        MultipartBodyLengthLimit = MaxFormBytes,
    };

    /// <summary>The form, or the error page to answer instead (with an empty form).</summary>
    public static async Task<(IFormCollection Form, IResult? Refused)> ReadAsync(DashboardRequest request)
    {
        var http = request.Http;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxFormBytes;
        }

        if (!http.Request.HasFormContentType)
        {
            return (FormCollection.Empty, DashboardLayout.Error(request, StatusCodes.Status400BadRequest, "Not a form",
                "Dashboard actions are sent as forms from its own pages."));
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(Limits, request.Aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (FormCollection.Empty, DashboardLayout.Error(request, StatusCodes.Status400BadRequest, "Form too large",
                $"The form could not be read (at most {MaxFormBytes / 1024} KiB and {Limits.ValueCountLimit} fields are accepted)."));
        }

        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().Dashboard();
            var path = http.Request.Path.Value ?? "";
            DashboardLog.FormRefused(log, path, request.User);
            return (FormCollection.Empty, DashboardLayout.Error(request, StatusCodes.Status400BadRequest, "Form refused",
                "The form did not carry a valid anti-forgery token. Open the page again from the dashboard and resend it."));
        }

        return (form, null);
    }

    /// <summary>A trimmed field value, or <see langword="null"/> when absent or blank.</summary>
    public static string? Value(this IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values.ToString().Trim() is { Length: > 0 } value ? value : null;

    /// <summary>Whether a checkbox was ticked.</summary>
    public static bool Checked(this IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values.Any(v => v is "on" or "true" or "1");
}
