using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The handlers behind Twilio's inbound-message and status-callback webhooks (after <see cref="TwilioSignatureFilter"/>).</summary>
internal static class TwilioWebhookEndpoints
{
    private const int MaxMedia = 10;
    private static readonly string[] MetadataFields = ["AccountSid", "MessagingServiceSid", "NumSegments"];

    /// <summary>Stores an inbound message once per <c>MessageSid</c>, lets the host react, and answers TwiML.</summary>
    public static async Task<IResult> InboundAsync(
        HttpContext http,
        ISmsService sms,
        ILogger<TwilioSignatureFilter> logger,
        IServiceProvider services)
    {
        var request = http.Features.Get<TwilioWebhookRequest>() ?? throw new InvalidOperationException("The Twilio signature filter did not run.");
        var sid = request.Get("MessageSid") ?? request.Get("SmsMessageSid");
        var from = request.Get("From");
        var to = request.Get("To");
        if (sid is null || from is null || to is null)
        {
            return WebhookResults.BadRequest("MessageSid, From and To are required.");
        }

        var media = new List<string>();
        if (int.TryParse(request.Get("NumMedia"), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            for (var i = 0; i < Math.Min(count, MaxMedia); i++)
            {
                if (request.Get("MediaUrl" + i.ToString(CultureInfo.InvariantCulture)) is { } url)
                {
                    media.Add(url);
                }
            }
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in MetadataFields)
        {
            if (request.Get(name) is { } value)
            {
                metadata[name] = value;
            }
        }

        var result = await sms.HandleIncomingAsync(new IncomingSms
        {
            Provider = PhoneProviders.Twilio,
            ProviderMessageId = sid,
            From = from,
            To = to,
            Body = request.Get("Body") ?? "",
            MediaUrls = media,
            Metadata = metadata,
        }, http.RequestAborted).ConfigureAwait(false);

        // Only the delivery that stored the message reaches the host: a retry must not trigger a second reply.
        string? reply = null;
        if (result.Created && services.GetService<IInboundSmsHandler>() is { } handler)
        {
            reply = await InvokeHandlerAsync(handler, result.Message, logger, http.RequestAborted).ConfigureAwait(false);
        }

        return WebhookResults.TwiML(reply);
    }

    /// <summary>Applies a delivery report; only forward moves are taken, and an unknown message still answers 200.</summary>
    public static async Task<IResult> StatusAsync(
        HttpContext http,
        ISmsService sms,
        ISmsStore store,
        ILogger<TwilioSignatureFilter> logger)
    {
        var request = http.Features.Get<TwilioWebhookRequest>() ?? throw new InvalidOperationException("The Twilio signature filter did not run.");
        var sid = request.Get("MessageSid") ?? request.Get("SmsSid");
        var statusName = request.Get("MessageStatus") ?? request.Get("SmsStatus");
        if (sid is null || statusName is null)
        {
            return WebhookResults.BadRequest("MessageSid and MessageStatus are required.");
        }

        // Twilio treats any 4xx/5xx as its own failure and shows it in the console: unknown values are logged, not refused.
        if (!SmsStatuses.TryParse(statusName, out var status))
        {
            WebhookLog.TwilioStatusUnknownValue(logger, sid);
            return TypedResults.Ok();
        }

        // The signature proves which account sent the report; a report for a message sent through another
        // account's config must not move it (it would let one tenant change another's statuses).
        var existing = await store.FindByProviderIdAsync(PhoneProviders.Twilio, sid, http.RequestAborted).ConfigureAwait(false);
        if (existing is null || (existing.ConfigId is { } configId && !request.Tenant.ConfigIds.Contains(configId)))
        {
            WebhookLog.TwilioStatusUnknownMessage(logger, sid, status.ToWireName());
            return TypedResults.Ok();
        }

        var outcome = await sms.ApplyStatusAsync(PhoneProviders.Twilio, sid, status, request.Get("ErrorCode"), request.Get("ErrorMessage"), http.RequestAborted).ConfigureAwait(false);
        if (outcome == StatusUpdateOutcome.NotFound)
        {
            WebhookLog.TwilioStatusUnknownMessage(logger, sid, status.ToWireName());
        }
        else
        {
            WebhookLog.TwilioStatusApplied(logger, sid, status.ToWireName(), outcome.ToString());
        }

        return TypedResults.Ok();
    }

    internal static async Task<string?> InvokeHandlerAsync(IInboundSmsHandler handler, SmsMessage message, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await handler.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message is stored; failing the webhook would only make the provider retry a message we already have.
            WebhookLog.InboundHandlerFailed(logger, ex, message.Id);
            return null;
        }
    }
}
