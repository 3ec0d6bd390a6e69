using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.AwsSms;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>
/// The handler behind the SNS webhook (after <see cref="SnsSignatureFilter"/>): subscription handshakes, two-way SMS,
/// and the delivery events of AWS End User Messaging SMS (a configuration set's SNS event destination) for <c>aws-sms</c> configs.
/// </summary>
internal static class AwsWebhookEndpoints
{
    private static readonly string[] MetadataFields = ["messageKeyword", "previousPublishedMessageId"];

    public static async Task<IResult> HandleAsync(
        HttpContext http,
        ISmsService sms,
        IHttpClientFactory httpClients,
        IOptions<PhoneHubWebhookOptions> options,
        ILogger<SnsSignatureFilter> logger)
    {
        var delivery = http.Features.Get<SnsDelivery>() ?? throw new InvalidOperationException("The SNS signature filter did not run.");
        var envelope = delivery.Envelope;
        switch (envelope.Type)
        {
            case SnsEnvelope.SubscriptionConfirmation:
                return await ConfirmAsync(http, envelope, httpClients, options.Value, logger).ConfigureAwait(false);
            case SnsEnvelope.UnsubscribeConfirmation:
                WebhookLog.SnsUnsubscribed(logger, envelope.TopicArn);
                WebhookTelemetryFilter.SetOutcome(http, "unsubscribed");
                return TypedResults.Ok();
        }

        // Both payloads come as the Message of a notification from an owned topic; they are told apart by their documented
        // fields: an End User Messaging event has eventType (and messageId), a two-way SMS has inboundMessageId.
        if (IsDeliveryEvent(envelope.Message))
        {
            return await ApplyDeliveryEventAsync(http, delivery, sms, logger).ConfigureAwait(false);
        }

        if (!TryReadInboundSms(envelope.Message, out var incoming, out var error))
        {
            WebhookLog.SnsNotificationMalformed(logger, envelope.MessageId, error);
            return WebhookResults.BadRequest(error);
        }

        // The topic's owner receives only on its own numbers: a notification naming another tenant's number is refused.
        var config = delivery.Config;
        if (!config.Holds(ProviderIdentityKinds.PhoneNumber, NormalizedOrSelf(incoming.To)))
        {
            WebhookLog.SnsRejected(logger, "the destination number is not one of the topic owner's numbers", envelope.TopicArn);
            return WebhookResults.Problem(StatusCodes.Status403Forbidden, "The destination number is not accepted.", "destination_not_allowed");
        }

        // Stored once per inboundMessageId; the host's handler runs once and its reply goes out through this config.
        var result = await sms.HandleIncomingAsync(incoming with { ConfigId = config.Id, Provider = config.Provider }, http.RequestAborted).ConfigureAwait(false);
        WebhookTelemetryFilter.SetOutcome(http, result.Created ? "stored" : "duplicate");
        return TypedResults.Ok();
    }

    /// <summary>
    /// Applies one delivery event to the message AWS's <c>messageId</c> names. The topic's owner vouches for it
    /// (<see cref="SmsStatusReport.ConfigId"/>), so Core refuses it for another group's message and keeps it for an id the
    /// send has not stored yet; statuses only move forward, so duplicates and late events change nothing.
    /// </summary>
    private static async Task<IResult> ApplyDeliveryEventAsync(HttpContext http, SnsDelivery delivery, ISmsService sms, ILogger logger)
    {
        var cancellationToken = http.RequestAborted;
        var envelope = delivery.Envelope;
        var owner = delivery.Config;
        if (!string.Equals(owner.Provider, PhoneProviders.AwsSms, StringComparison.Ordinal))
        {
            // Only aws-sms configs send messages these events can be about; keeping reports for them would fill the table.
            WebhookLog.SnsRejected(logger, $"a delivery event on the topic of a '{owner.Provider}' config (only aws-sms configs take them)", envelope.TopicArn);
            return WebhookResults.BadRequest("Delivery events are accepted only on topics of aws-sms configs.");
        }

        if (!AwsSmsDeliveryEvents.TryParse(envelope.Message, out var delivered, out var error))
        {
            WebhookLog.SnsEventMalformed(logger, envelope.MessageId, error);
            return WebhookResults.BadRequest(error);
        }

        if (delivered.ToStatusReport(owner.Id) is not { } report)
        {
            // Voice, RCS, or a type newer than this code: acknowledged, so SNS does not deliver it again.
            WebhookLog.SnsEventIgnored(logger, delivered.EventType, delivered.ProviderMessageId);
            WebhookTelemetryFilter.SetOutcome(http, "ignored");
            return TypedResults.Ok();
        }

        var outcome = await sms.ApplyStatusAsync(report, cancellationToken).ConfigureAwait(false);
        WebhookLog.SnsEventApplied(logger, delivered.EventType, delivered.ProviderMessageId, envelope.TopicArn, outcome.ToString());
        WebhookTelemetryFilter.SetOutcome(http, WebhookTelemetryFilter.OutcomeName(outcome));
        switch (outcome)
        {
            case StatusUpdateOutcome.Refused:
                return WebhookResults.Problem(StatusCodes.Status403Forbidden, "The event is about a message of another tenant.", "message_not_allowed");
            case StatusUpdateOutcome.Pending when delivered.PhoneHubMessageId is { } id:
                await NoteUnknownOutcomeAsync(sms, owner, delivered, id, logger, cancellationToken).ConfigureAwait(false);
                break;
        }

        return TypedResults.Ok();
    }

    /// <summary>
    /// A send that timed out is stored as failed with <c>outcome_unknown</c> and no provider id, so its events match
    /// nothing. The <c>Context</c> PhoneHub sent names the message: say so in the log (Core matches reports by provider id
    /// only, and a failed message does not move on).
    /// </summary>
    private static async Task NoteUnknownOutcomeAsync(ISmsService sms, PhoneConfig owner, AwsSmsDeliveryEvent delivered, long id, ILogger logger, CancellationToken cancellationToken)
    {
        var message = await sms.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (message is { ProviderMessageId: null, ErrorCode: AwsSmsErrorCodes.OutcomeUnknown }
            && string.Equals(message.Provider, PhoneProviders.AwsSms, StringComparison.Ordinal)
            && string.Equals(message.Group, owner.Group, StringComparison.Ordinal))
        {
            WebhookLog.SnsEventForUnknownOutcome(logger, delivered.ProviderMessageId, message.Id, delivered.EventType);
        }
    }

    /// <summary>Whether a notification's Message is an End User Messaging event rather than a two-way SMS.</summary>
    internal static bool IsDeliveryEvent(string message)
    {
        try
        {
            using var doc = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("eventType", out var type) && type.ValueKind == JsonValueKind.String
                && !root.TryGetProperty("inboundMessageId", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string NormalizedOrSelf(string number) =>
        Phone.TryNormalize(number, out var e164) ? e164 : number;

    /// <summary>
    /// Reads the two-way SMS payload AWS End User Messaging / Pinpoint publishes to SNS:
    /// <c>originationNumber</c> (the sender), <c>destinationNumber</c> (our number), <c>messageBody</c>, <c>inboundMessageId</c>.
    /// </summary>
    internal static bool TryReadInboundSms(string message, out IncomingSms incoming, out string error)
    {
        incoming = null!;
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The notification's Message is not a JSON object.";
                return false;
            }

            if (!SafeJson.TryReadStrings(root, out var strings))
            {
                error = "The notification's Message holds a string that is not valid Unicode.";
                return false;
            }

            string? Get(string name) => strings.GetValueOrDefault(name);
            var id = Get("inboundMessageId");
            var from = Get("originationNumber");
            var to = Get("destinationNumber");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(from) || string.IsNullOrEmpty(to))
            {
                error = "The notification's Message needs inboundMessageId, originationNumber and destinationNumber.";
                return false;
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in MetadataFields)
            {
                if (Get(name) is { Length: > 0 } value)
                {
                    metadata[name] = value;
                }
            }

            incoming = new IncomingSms
            {
                Provider = PhoneProviders.Aws,
                ProviderMessageId = id,
                From = from,
                To = to,
                Body = Get("messageBody") ?? "",
                Metadata = metadata,
            };
            return true;
        }
        catch (JsonException)
        {
            error = "The notification's Message is not JSON.";
            return false;
        }
    }

    /// <summary>
    /// Confirms a subscription by calling its SubscribeURL, but only a URL that cannot be pointed elsewhere: https, on the
    /// SNS host that signed the message, <c>Action=ConfirmSubscription</c> for this topic and token.
    /// </summary>
    private static async Task<IResult> ConfirmAsync(HttpContext http, SnsEnvelope envelope, IHttpClientFactory httpClients, PhoneHubWebhookOptions options, ILogger logger)
    {
        var cancellationToken = http.RequestAborted;
        if (!options.ConfirmSnsSubscriptions)
        {
            WebhookLog.SnsSubscriptionNotConfirmed(logger, envelope.TopicArn, "automatic confirmation is turned off");
            WebhookTelemetryFilter.SetOutcome(http, "subscription_not_confirmed");
            return TypedResults.Ok();
        }

        if (!IsExpectedSubscribeUrl(envelope, out var subscribeUrl))
        {
            WebhookLog.SnsSubscriptionNotConfirmed(logger, envelope.TopicArn, "SubscribeURL is not the expected SNS confirmation URL");
            return WebhookResults.BadRequest("SubscribeURL is not an SNS confirmation URL for this topic.");
        }

        try
        {
            using var client = httpClients.CreateClient(PhoneHubWebhookOptions.SnsHttpClientName);
            using var response = await client.GetAsync(subscribeUrl, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                WebhookLog.SnsSubscriptionNotConfirmed(logger, envelope.TopicArn, "SNS answered " + (int)response.StatusCode);
                return WebhookResults.Problem(StatusCodes.Status502BadGateway, "SNS refused the subscription confirmation.", "confirmation_failed");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            WebhookLog.SnsSubscriptionNotConfirmed(logger, envelope.TopicArn, "SNS could not be reached");
            return WebhookResults.Problem(StatusCodes.Status502BadGateway, "SNS could not be reached to confirm the subscription.", "confirmation_failed");
        }

        WebhookLog.SnsSubscriptionConfirmed(logger, envelope.TopicArn);
        WebhookTelemetryFilter.SetOutcome(http, "subscription_confirmed");
        return TypedResults.Ok();
    }

    internal static bool IsExpectedSubscribeUrl(SnsEnvelope envelope, out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(envelope.SubscribeUrl, UriKind.Absolute, out var subscribe)
            || !Uri.TryCreate(envelope.SigningCertUrl, UriKind.Absolute, out var certificate)
            || subscribe.Scheme != Uri.UriSchemeHttps
            || !subscribe.IsDefaultPort
            || subscribe.UserInfo.Length > 0
            || !string.Equals(subscribe.IdnHost, certificate.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var query = QueryHelpers.ParseQuery(subscribe.Query);
        bool Is(string name, string? expected) =>
            query.TryGetValue(name, out var value) && value.Count == 1 && string.Equals(value[0], expected, StringComparison.Ordinal);
        if (!Is("Action", "ConfirmSubscription") || !Is("TopicArn", envelope.TopicArn) || !Is("Token", envelope.Token))
        {
            return false;
        }

        url = subscribe;
        return true;
    }
}
