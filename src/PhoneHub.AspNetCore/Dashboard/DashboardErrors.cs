using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.Configuration;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>What an operator is told when Core refuses an action: the same facts the REST routes give, as page text.</summary>
internal static class DashboardErrors
{
    /// <summary>A sentence for the page and, for validation errors, the messages by field.</summary>
    public static (string Summary, IReadOnlyDictionary<string, string[]> Fields) Describe(PhoneHubException exception, ILogger logger)
    {
        IReadOnlyDictionary<string, string[]> none = new Dictionary<string, string[]>();
        switch (exception)
        {
            case PhoneHubValidationException validation:
                return ("Some values are not valid.", validation.Errors);
            case InvalidPhoneNumberException invalid:
                return (invalid.Message, none);
            case ProviderNotRegisteredException:
                // As on the REST routes: the log says how to fix the host, the page only that sending is unavailable.
                DashboardLog.HostMisconfigured(logger, exception);
                return ("The provider of the config that applies is not available on this server.", none);
            case CredentialsUnavailableException:
                DashboardLog.HostMisconfigured(logger, exception);
                return ("Provider credentials cannot be stored or read on this server right now; its log says why.", none);
            case PhoneConfigNotFoundException or ProviderIdentityConflictException or PhoneLookupException:
                return (exception.Message, none);
            default:
                return (exception.Message, none);
        }
    }

    /// <summary>Writes a refusal above a form: the summary and each field's messages.</summary>
    public static void Write(HtmlWriter html, string summary, IReadOnlyDictionary<string, string[]> fields)
    {
        html.Raw("<div class=\"notice error\" role=\"alert\">").Text(summary);
        if (fields.Count > 0)
        {
            html.Raw("<ul class=\"errors\">");
            foreach (var (field, messages) in fields)
            {
                foreach (var message in messages)
                {
                    html.Raw("<li>").Element("code", field).Text(": ").Text(message).Raw("</li>");
                }
            }

            html.Raw("</ul>");
        }

        html.Raw("</div>");
    }
}

/// <summary>
/// Answers failures nobody planned for with a plain error page (no stack trace, no host details) and logs them; lets
/// an aborted request end quietly.
/// </summary>
internal sealed class DashboardExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
        {
            var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
            return DashboardLayout.Error(request, ex.StatusCode, "Bad request", "The request could not be read.");
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().Dashboard();
            var path = http.Request.Path.Value ?? "";
            DashboardLog.UnexpectedError(log, ex, http.Request.Method, path);
            var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
            return DashboardLayout.Error(request, StatusCodes.Status500InternalServerError, "Something went wrong",
                "The dashboard could not complete this request. The server's log has the details.");
        }
    }
}
