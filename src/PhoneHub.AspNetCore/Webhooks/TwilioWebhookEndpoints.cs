using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PhoneHub.Configuration;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The handlers behind Twilio's inbound-message and status-callback webhooks (after <see cref="TwilioSignatureFilter"/>).</summary>
internal static class TwilioWebhookEndpoints
{
    private const int MaxMedia = 10;
    private static readonly string[] MetadataFields = ["AccountSid", "MessagingServiceSid", "NumSegments"];

    /// <summary>Stores an inbound message once per <c>MessageSid</c>, lets the host react, and answers TwiML.</summary>
    public static async Task<IResult> InboundAsync(HttpContext http, ISmsService sms)
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
            ConfigId = request.Config.Id,

            // Twilio sends what the TwiML answer says, from the number that received the message.
            ReplyByProvider = true,
        }, http.RequestAborted).ConfigureAwait(false);

        WebhookTelemetryFilter.SetOutcome(http, result.Created ? "stored" : "duplicate");
        return WebhookResults.TwiML(result.Reply);
    }

    /// <summary>Applies a delivery report; only forward moves are taken, and an unknown message still answers 200.</summary>
    public static async Task<IResult> StatusAsync(HttpContext http, ISmsService sms, ILogger<TwilioSignatureFilter> logger)
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
            WebhookTelemetryFilter.SetOutcome(http, "unknown_status");
            return TypedResults.Ok();
        }

        // The signature proves which config's account sent the report; Core refuses it for a message of another account or group.
        var outcome = await sms.ApplyStatusAsync(new SmsStatusReport
        {
            Provider = PhoneProviders.Twilio,
            ProviderMessageId = sid,
            Status = status,
            ErrorCode = request.Get("ErrorCode"),
            ErrorMessage = request.Get("ErrorMessage"),
            Account = request.Get("AccountSid"),
            ConfigId = request.Config.Id,
        }, http.RequestAborted).ConfigureAwait(false);
        WebhookLog.TwilioStatusApplied(logger, sid, status.ToWireName(), outcome.ToString());
        WebhookTelemetryFilter.SetOutcome(http, WebhookTelemetryFilter.OutcomeName(outcome));
        return TypedResults.Ok();
    }
}
