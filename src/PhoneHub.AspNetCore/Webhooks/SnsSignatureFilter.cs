using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Providers;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>
/// Lets an SNS delivery through only when it is a well-formed envelope (400 otherwise), from a topic that an active
/// config owns (and the optional global allow-list allows), and signed by SNS (403 otherwise). A topic no config owns is
/// refused before anything is fetched, stored, confirmed or replied to. Hands the envelope and the owning config on.
/// </summary>
internal sealed class SnsSignatureFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILogger<SnsSignatureFilter>>();
        var options = services.GetRequiredService<IOptions<PhoneHubWebhookOptions>>().Value;

        var body = await WebhookBody.ReadAsync(http, options.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            WebhookLog.BodyTooLarge(logger, http.Request.Path.Value ?? "", options.MaxBodyBytes);
            return WebhookResults.TooLarge(options.MaxBodyBytes);
        }

        // SNS posts text/plain; the content type is not trusted either way, only the JSON and its signature.
        var envelope = SnsEnvelope.TryParse(body, out var error);
        if (envelope is null)
        {
            WebhookLog.SnsRejected(logger, "malformed envelope", null);
            return WebhookResults.BadRequest(error!);
        }

        if (http.Request.Headers["x-amz-sns-message-type"].ToString() is { Length: > 0 } headerType
            && !string.Equals(headerType, envelope.Type, StringComparison.Ordinal))
        {
            WebhookLog.SnsRejected(logger, "x-amz-sns-message-type does not match the envelope", envelope.TopicArn);
            return WebhookResults.BadRequest("The x-amz-sns-message-type header does not match the message type.");
        }

        if (options.AllowedSnsTopicArns.Count > 0 && !options.AllowedSnsTopicArns.Contains(envelope.TopicArn, StringComparer.Ordinal))
        {
            WebhookLog.SnsRejected(logger, "topic not allowed", envelope.TopicArn);
            return WebhookResults.Problem(StatusCodes.Status403Forbidden, "The topic is not accepted.", "topic_not_allowed");
        }

        // The topic names the tenant: without an active config that owns it, nothing about the message can be trusted.
        var owner = await services.GetRequiredService<IPhoneConfigService>()
            .FindByIdentityAsync(ProviderIdentityKinds.Topic, envelope.TopicArn, http.RequestAborted).ConfigureAwait(false);
        if (owner is null)
        {
            WebhookLog.SnsRejected(logger, "no active config owns the topic", envelope.TopicArn);
            return WebhookResults.Problem(StatusCodes.Status403Forbidden, "The topic is not accepted.", "topic_not_allowed");
        }

        var verification = await services.GetRequiredService<SnsMessageVerifier>().VerifyAsync(envelope, http.RequestAborted).ConfigureAwait(false);
        switch (verification)
        {
            case SnsVerification.CertificateUnavailable:
                // 5xx so that SNS retries: the message may well be genuine.
                return WebhookResults.Problem(StatusCodes.Status503ServiceUnavailable, "The SNS signing certificate could not be fetched.", "certificate_unavailable");
            case SnsVerification.Invalid:
                return WebhookResults.InvalidSignature("The SNS message signature could not be verified.");
        }

        http.Features.Set(new SnsDelivery(envelope, owner));
        return await next(context).ConfigureAwait(false);
    }
}

/// <summary>A verified SNS delivery and the config that owns its topic.</summary>
internal sealed record SnsDelivery(SnsEnvelope Envelope, PhoneConfig Config);
