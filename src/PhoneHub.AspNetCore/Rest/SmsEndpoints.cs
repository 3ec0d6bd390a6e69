using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
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
            .WithDescription("The message is recorded before the provider is called, and the answer holds its outcome: a provider failure "
                + "still answers 201 with status 'failed' and the error. With 'send_at' in the future it answers 201 with status 'scheduled'. "
                + "With an Idempotency-Key header (1-255 characters, per group) a retried request returns the same message and never sends "
                + "twice; the same key with a different request answers 422.")
            .JsonBody<SendSmsBody>()
            .Produces<SmsMessageResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        sms.MapPost("bulk", BulkAsync)
            .RequireAuthorization(PhoneHubPolicies.ManageSms)
            .WithName("PhoneHubSendSmsBulk")
            .WithSummary("Queues many messages as one batch")
            .WithDescription("JSON {\"messages\":[{\"to_number\",\"body\",\"send_at\"?,\"metadata\"?,\"idempotency_key\"?}]} or CSV "
                + "(Content-Type: text/csv; a header line naming to, body and optionally send_at and from). Each row is checked on its own: "
                + "refused rows are listed with their errors and the others are queued. Answers 202 with the batch; messages go out at "
                + "their senders' pace. GET sms/batches/{id} follows the progress.")
            .JsonBody<BulkSmsBody>()
            .Produces<BulkSmsResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        sms.MapGet("batches/{id}", GetBatchAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewSms)
            .WithName("PhoneHubGetSmsBatch")
            .WithSummary("Gets a bulk send's progress: its messages by status")
            .Produces<SmsBatchResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .IdsAreIntegers();

        sms.MapPost("{id}/cancel", CancelAsync)
            .RequireAuthorization(PhoneHubPolicies.ManageSms)
            .WithName("PhoneHubCancelSms")
            .WithSummary("Cancels a scheduled or queued message that no dispatcher has taken yet")
            .WithDescription("Answers the canceled message; 409 (code not_cancelable) when it is being sent or already final.")
            .Produces<SmsMessageResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .IdsAreIntegers();

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
        var errors = new Dictionary<string, string[]>();
        var sendAt = SendAt(body.SendAt, errors);
        var keys = http.Request.Headers[IdempotencyKeyHeader];
        if (keys.Count > 1)
        {
            errors["idempotency_key"] = ["Send one Idempotency-Key header."];
        }

        if (errors.Count > 0)
        {
            return PhoneHubProblems.Validation(errors);
        }

        var request = new SendSmsRequest
        {
            To = body.ToNumber ?? "",
            Body = body.Body ?? "",
            From = body.FromNumber,
            MediaUrls = body.MediaUrls,
            Metadata = body.Metadata,
            SendAt = sendAt,
            IdempotencyKey = keys.Count == 1 ? keys[0] : null,
        };

        // The send is not tied to the request: once the message is recorded it should reach a final state even if the
        // client disconnects (the service records an unknown outcome on cancellation, which helps nobody here).
        var message = await hub.Messages.SendAsync(request, caller.Group, caller.User, CancellationToken.None).ConfigureAwait(false);
        http.Response.Headers.Location = $"{http.Request.PathBase}{SmsBase(http.Request.Path, "/send")}/{message.Id}";
        return PhoneHubJson.Ok(SmsMessageResponse.From(message), StatusCodes.Status201Created);
    }

    private static async Task<IResult> BulkAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] IOptions<PhoneHubRestOptions> options)
    {
        var limits = options.Value;
        IReadOnlyList<SmsBulkRow> rows;
        if (IsCsv(http.Request))
        {
            var bytes = await PhoneHubJson.ReadBodyAsync(http.Request, limits.MaxBulkRequestBodySize).ConfigureAwait(false);
            rows = ReadCsv(bytes.WrittenMemory, limits.MaxBulkMessages);
        }
        else if (http.Request.HasJsonContentType())
        {
            var body = await PhoneHubJson.ReadAsync<BulkSmsBody>(http.Request, limits.MaxBulkRequestBodySize).ConfigureAwait(false);
            if (body.Messages is not { Count: > 0 } messages)
            {
                return PhoneHubProblems.Validation("messages", "'messages' must hold at least one message.");
            }

            if (messages.Count > limits.MaxBulkMessages)
            {
                return PhoneHubProblems.Validation("messages", $"At most {limits.MaxBulkMessages} messages can be sent at once.");
            }

            rows = [.. messages.Select(Row)];
        }
        else
        {
            return PhoneHubProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "The body must be JSON (Content-Type: application/json) or CSV (Content-Type: text/csv).", PhoneHubProblemCodes.UnsupportedMediaType);
        }

        if (rows.Count == 0)
        {
            return PhoneHubProblems.Validation("messages", "The upload holds no messages.");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);

        // Not tied to the request either: a client that disconnects mid-upload must not leave half a batch behind.
        var result = await hub.Messages.SendManyAsync(rows, caller.Group, caller.User, CancellationToken.None).ConfigureAwait(false);
        var status = await hub.Messages.GetBatchAsync(result.Batch.Id, CancellationToken.None).ConfigureAwait(false)
            ?? new SmsBatchStatus(result.Batch, new Dictionary<SmsStatus, int>());
        http.Response.Headers.Location = $"{http.Request.PathBase}{SmsBase(http.Request.Path, "/bulk")}/batches/{result.Batch.Id}";
        return PhoneHubJson.Ok(new BulkSmsResponse
        {
            Batch = SmsBatchResponse.From(status with { Batch = result.Batch }),
            MessageIds = result.MessageIds,
            Rejected = [.. result.Rejected.Select(r => new BulkRowErrorResponse { Row = r.Row, Errors = r.Errors })],
        }, StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetBatchAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var status = await hub.Messages.GetBatchAsync(id, http.RequestAborted).ConfigureAwait(false);
        return status is null || !caller.Owns(status.Batch.Group)
            ? PhoneHubProblems.NotFound("batch")
            : PhoneHubJson.Ok(SmsBatchResponse.From(status));
    }

    private static async Task<IResult> CancelAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var message = await hub.Messages.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (message is null || !caller.Owns(message.Group))
        {
            return PhoneHubProblems.NotFound("message");
        }

        var canceled = await hub.Messages.CancelAsync(id, CancellationToken.None).ConfigureAwait(false);
        return canceled is null ? PhoneHubProblems.NotFound("message") : PhoneHubJson.Ok(SmsMessageResponse.From(canceled));
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

    private const string IdempotencyKeyHeader = "Idempotency-Key";

    private static string SmsBase(PathString path, string suffix) => path.Value is { } value && value.EndsWith(suffix, StringComparison.Ordinal)
        ? value[..^suffix.Length]
        : path.Value ?? "";

    private static DateTimeOffset? SendAt(string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Rfc3339.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        errors["send_at"] = [$"'send_at' must be an RFC 3339 date and time with an offset, for example {Rfc3339.Example}."];
        return null;
    }

    private static SmsBulkRow Row(BulkSmsMessageBody? body)
    {
        if (body is null)
        {
            return SmsBulkRow.Invalid("row", "The message is empty.");
        }

        var errors = new Dictionary<string, string[]>();
        var sendAt = SendAt(body.SendAt, errors);
        return errors.Count > 0
            ? SmsBulkRow.Invalid(errors)
            : SmsBulkRow.Of(new SendSmsRequest
            {
                To = body.ToNumber ?? "",
                Body = body.Body ?? "",
                From = body.FromNumber,
                MediaUrls = body.MediaUrls,
                Metadata = body.Metadata,
                SendAt = sendAt,
                IdempotencyKey = body.IdempotencyKey,
            });
    }

    private static bool IsCsv(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<SmsBulkRow> ReadCsv(ReadOnlyMemory<byte> bytes, int maxRows)
    {
        // UTF-8 only, and strictly: a spreadsheet's legacy encoding must not turn names into replacement characters.
        try
        {
            var text = StrictUtf8.GetString(bytes.Span);
            return SmsCsv.Read(new StringReader(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text), maxRows);
        }
        catch (DecoderFallbackException)
        {
            throw new SmsCsvException("The CSV must be UTF-8 text.");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
