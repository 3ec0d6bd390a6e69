using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The handler behind the SNS webhook (after <see cref="SnsSignatureFilter"/>): subscription handshakes and two-way SMS.</summary>
internal static class AwsWebhookEndpoints
{
    private static readonly string[] MetadataFields = ["messageKeyword", "previousPublishedMessageId"];

    public static async Task<IResult> HandleAsync(
        HttpContext http,
        ISmsService sms,
        IHttpClientFactory httpClients,
        IOptions<PhoneHubWebhookOptions> options,
        ILogger<SnsSignatureFilter> logger,
        IServiceProvider services)
    {
        var envelope = http.Features.Get<SnsEnvelope>() ?? throw new InvalidOperationException("The SNS signature filter did not run.");
        switch (envelope.Type)
        {
            case SnsEnvelope.SubscriptionConfirmation:
                return await ConfirmAsync(envelope, httpClients, options.Value, logger, http.RequestAborted).ConfigureAwait(false);
            case SnsEnvelope.UnsubscribeConfirmation:
                WebhookLog.SnsUnsubscribed(logger, envelope.TopicArn);
                return TypedResults.Ok();
        }

        if (!TryReadInboundSms(envelope.Message, out var incoming, out var error))
        {
            WebhookLog.SnsNotificationMalformed(logger, envelope.MessageId, error);
            return WebhookResults.BadRequest(error);
        }

        var result = await sms.HandleIncomingAsync(incoming, http.RequestAborted).ConfigureAwait(false);
        if (result.Created && services.GetService<IInboundSmsHandler>() is { } handler)
        {
            var reply = await TwilioWebhookEndpoints.InvokeHandlerAsync(handler, result.Message, logger, http.RequestAborted).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(reply))
            {
                // SNS cannot carry a reply in the HTTP answer, so it is sent as a new message from the receiving group.
                try
                {
                    await sms.SendAsync(new SendSmsRequest { To = result.Message.From ?? "", Body = reply }, result.Message.Group, cancellationToken: http.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The inbound message is stored; a failed reply must not make SNS redeliver it.
                    WebhookLog.SnsReplyFailed(logger, ex, result.Message.Id);
                }
            }
        }

        return TypedResults.Ok();
    }

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
            using var doc = JsonDocument.Parse(message);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The notification's Message is not a JSON object.";
                return false;
            }

            string? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
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
    private static async Task<IResult> ConfirmAsync(SnsEnvelope envelope, IHttpClientFactory httpClients, PhoneHubWebhookOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (!options.ConfirmSnsSubscriptions)
        {
            WebhookLog.SnsSubscriptionNotConfirmed(logger, envelope.TopicArn, "automatic confirmation is turned off");
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
