using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Errors;
using PhoneHub.AspNetCore.Rest.Contracts;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Rest;

/// <summary><c>sms/...</c>: sending and reading messages, always within the caller's group.</summary>
internal static class SmsEndpoints
{
    public static void Map(RouteGroupBuilder rest)
    {
        var sms = rest.MapGroup("sms").WithTags("PhoneHub SMS");

        sms.MapPost("send", SendAsync)
            .RequireAuthorization(PhoneHubPolicies.ManageSms)
            .WithName("PhoneHubSendSms")
            .WithSummary("Sends an SMS or MMS as the caller's group")
            .WithDescription("The message is recorded before the provider is called; a provider failure still answers 201 with status 'failed' and the error.")
            .JsonBody<SendSmsBody>()
            .Produces<SmsMessageResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        sms.MapGet("", ListAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewSms)
            .WithName("PhoneHubListSms")
            .WithSummary("Lists the caller's group's messages, newest first")
            .WithDescription("Query: direction (inbound|outbound), status, number, from and to (ISO 8601, created at or after / before), offset, limit (1-500, default 50).")
            .Produces<PageResponse<SmsMessageResponse>>()
            .ProducesValidationProblem();

        sms.MapGet("{id}", GetAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewSms)
            .WithName("PhoneHubGetSms")
            .WithSummary("Gets one of the caller's group's messages")
            .Produces<SmsMessageResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> SendAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] IOptions<PhoneHubRestOptions> options)
    {
        var body = await PhoneHubJson.ReadAsync<SendSmsBody>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var request = new SendSmsRequest
        {
            To = body.ToNumber ?? "",
            Body = body.Body ?? "",
            From = body.FromNumber,
            MediaUrls = body.MediaUrls,
            Metadata = body.Metadata,
        };

        // The send is not tied to the request: once the message is recorded it should reach a final state even if the
        // client disconnects (the service records an unknown outcome on cancellation, which helps nobody here).
        var message = await hub.SendSmsAsync(request, caller.Group, caller.User, CancellationToken.None).ConfigureAwait(false);
        http.Response.Headers.Location = $"{http.Request.PathBase}{PathOf(http.Request.Path)}/{message.Id}";
        return PhoneHubJson.Ok(SmsMessageResponse.From(message), StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneHub hub)
    {
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var query = new QueryReader(http.Request.Query);

        SmsDirection? direction = query.String("direction", 20)?.ToLowerInvariant() switch
        {
            null => null,
            "inbound" => SmsDirection.Inbound,
            "outbound" => SmsDirection.Outbound,
            _ => Invalid<SmsDirection>(query, "direction", "'direction' must be 'inbound' or 'outbound'."),
        };

        SmsStatus? status = null;
        if (query.String("status", 20) is { } statusName)
        {
            status = SmsStatuses.TryParse(statusName, out var parsed)
                ? parsed
                : Invalid<SmsStatus>(query, "status", "'status' must be a message status such as queued, sent, delivered, failed or received.");
        }

        string? number = null;
        if (query.String("number", 40) is { } rawNumber)
        {
            if (hub.TryNormalize(rawNumber, out var e164))
            {
                number = e164;
            }
            else
            {
                query.Error("number", "'number' must be a valid phone number.");
            }
        }

        var from = query.Time("from");
        var to = query.Time("to");
        if (from is not null && to is not null && from > to)
        {
            query.Error("to", "'to' must not be before 'from'.");
        }

        var (offset, limit) = query.Paging();
        if (query.Errors.Count > 0)
        {
            return PhoneHubProblems.Validation(query.Errors);
        }

        var page = await hub.Messages.ListAsync(new SmsQuery
        {
            Group = caller.Group,
            Direction = direction,
            Status = status,
            Number = number,
            CreatedFrom = from,
            CreatedTo = to,
            Offset = offset,
            Limit = limit,
        }, http.RequestAborted).ConfigureAwait(false);

        return PhoneHubJson.Ok(new PageResponse<SmsMessageResponse>
        {
            Items = [.. page.Items.Select(SmsMessageResponse.From)],
            TotalCount = page.TotalCount,
            Offset = page.Offset,
            Limit = page.Limit,
        });
    }

    private static async Task<IResult> GetAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var message = await hub.Messages.GetAsync(id, http.RequestAborted).ConfigureAwait(false);

        // Another group's message answers exactly like a missing one, so ids reveal nothing across groups.
        return message is null || !caller.Owns(message.Group)
            ? PhoneHubProblems.NotFound("message")
            : PhoneHubJson.Ok(SmsMessageResponse.From(message));
    }

    private static T? Invalid<T>(QueryReader query, string name, string message)
        where T : struct
    {
        query.Error(name, message);
        return null;
    }

    private static string PathOf(PathString path) => path.Value is { } value && value.EndsWith("/send", StringComparison.Ordinal)
        ? value[..^"/send".Length]
        : path.Value ?? "";
}
