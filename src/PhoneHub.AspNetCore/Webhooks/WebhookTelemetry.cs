using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Diagnostics;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>
/// The outermost filter of every webhook route: one <see cref="PhoneHubTelemetry.WebhookActivity"/> span and one
/// <see cref="PhoneHubTelemetry.WebhookRequests"/> count per request, tagged with what the request came to. Handlers
/// name their outcome (<see cref="SetOutcome"/>); a request turned away is named by its problem code.
/// </summary>
internal sealed class WebhookTelemetryFilter(string provider, string kind) : IEndpointFilter
{
    // Same name as Core's source: listeners subscribe by name, so both packages' spans arrive together.
    private static readonly ActivitySource Source = new(PhoneHubTelemetry.ActivitySourceName);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var outcome = new WebhookOutcome();
        http.Features.Set(outcome);
        using var activity = Source.StartActivity(PhoneHubTelemetry.WebhookActivity);
        activity?.SetTag("phonehub.provider", provider);
        activity?.SetTag(PhoneHubTelemetry.WebhookKindTag, kind);
        object? result;
        try
        {
            result = await next(context).ConfigureAwait(false);
        }
        catch (Exception)
        {
            Record(http, activity, "error", null, failed: true);
            throw;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : result is RetryAfterResult ? StatusCodes.Status503ServiceUnavailable : (int?)null;
        Record(http, activity, outcome.Value ?? Describe(result), status, failed: false);
        return result;
    }

    /// <summary>Names what a webhook request came to (<c>stored</c>, <c>duplicate</c>, <c>updated</c>, ...).</summary>
    public static void SetOutcome(HttpContext http, string outcome)
    {
        if (http.Features.Get<WebhookOutcome>() is { } feature)
        {
            feature.Value = outcome;
        }
    }

    /// <summary>The outcome tag of a status report applied to a message.</summary>
    public static string OutcomeName(StatusUpdateOutcome outcome) => outcome switch
    {
        StatusUpdateOutcome.Updated => "updated",
        StatusUpdateOutcome.Ignored => "ignored",
        StatusUpdateOutcome.NotFound => "not_found",
        StatusUpdateOutcome.Pending => "pending",
        StatusUpdateOutcome.Refused => "refused",
        _ => "unknown",
    };

    private void Record(HttpContext http, Activity? activity, string outcome, int? status, bool failed)
    {
        activity?.SetTag(PhoneHubTelemetry.WebhookOutcomeTag, outcome);
        if (status is { } code)
        {
            activity?.SetTag("http.response.status_code", code);
        }

        if (failed || status >= 500)
        {
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        http.RequestServices.GetService<WebhookMetrics>()?.Requests.Add(1,
            new KeyValuePair<string, object?>("phonehub.provider", provider),
            new KeyValuePair<string, object?>(PhoneHubTelemetry.WebhookKindTag, kind),
            new KeyValuePair<string, object?>(PhoneHubTelemetry.WebhookOutcomeTag, outcome));
    }

    // A request turned away carries its stable problem code; anything else that succeeded was accepted.
    private static string Describe(object? result) => result switch
    {
        RetryAfterResult retry => Describe(retry.Inner),
        ProblemHttpResult problem when problem.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is string text => text,
        IStatusCodeHttpResult { StatusCode: >= 400 and var status } => "http_" + status,
        _ => "accepted",
    };

    private sealed class WebhookOutcome
    {
        public string? Value { get; set; }
    }
}

/// <summary>The webhook instruments, from the container's PhoneHub meter.</summary>
internal sealed class WebhookMetrics(IMeterFactory meterFactory)
{
    public Counter<long> Requests { get; } = meterFactory.Create(PhoneHubTelemetry.MeterName)
        .CreateCounter<long>(PhoneHubTelemetry.WebhookRequests, "{request}", "Provider webhook requests, by outcome.");
}
