using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PhoneHub.Configuration;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>Which Twilio webhook a request is for; it decides how the signing tenant is found.</summary>
internal enum TwilioWebhookKind
{
    /// <summary>An inbound message: the tenant owns the <c>To</c> number.</summary>
    Inbound,

    /// <summary>A status callback: the tenant's account is <c>AccountSid</c>.</summary>
    Status,
}

/// <summary>A Twilio webhook request whose signature was checked: its form and the config whose token signed it.</summary>
internal sealed record TwilioWebhookRequest(IReadOnlyDictionary<string, StringValues> Form, PhoneConfig Config)
{
    public string? Get(string name) => Form.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;
}

/// <summary>
/// Lets a Twilio webhook through only when <c>X-Twilio-Signature</c> was made with the auth token of the one tenant the
/// request is about (see <see cref="TwilioWebhookTenants"/>), over the public URL (see <see cref="PublicRequestUrl"/>).
/// Reads the form itself, with a size limit, and hands it on as a <see cref="TwilioWebhookRequest"/> feature. When that
/// tenant's token cannot be decrypted here, it answers 503 so Twilio delivers again rather than the message being lost.
/// </summary>
internal sealed class TwilioSignatureFilter(TwilioWebhookKind kind) : IEndpointFilter
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILogger<TwilioSignatureFilter>>();
        var options = services.GetRequiredService<IOptions<PhoneHubWebhookOptions>>().Value;
        var path = http.Request.Path.Value ?? "";

        if (http.Request.ContentType is not { } contentType || !contentType.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase))
        {
            WebhookLog.TwilioRejected(logger, path, "not form-encoded");
            return WebhookResults.Problem(StatusCodes.Status415UnsupportedMediaType, "Twilio webhooks are form-encoded.", "unsupported_media_type");
        }

        var body = await WebhookBody.ReadAsync(http, options.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            WebhookLog.BodyTooLarge(logger, path, options.MaxBodyBytes);
            return WebhookResults.TooLarge(options.MaxBodyBytes);
        }

        // FormReader decodes '+' and %XX, giving the values Twilio signed; Twilio always sends UTF-8.
        Dictionary<string, StringValues> form;
        try
        {
            form = new FormReader(Encoding.UTF8.GetString(body)).ReadForm();
        }
        catch (InvalidDataException)
        {
            return WebhookResults.BadRequest("The form could not be read.");
        }

        var signature = http.Request.Headers[TwilioRequestValidator.SignatureHeader].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            WebhookLog.TwilioRejected(logger, path, "no X-Twilio-Signature header");
            return WebhookResults.InvalidSignature("The X-Twilio-Signature header is required.");
        }

        var tenants = services.GetRequiredService<TwilioWebhookTenants>();
        var tenant = kind == TwilioWebhookKind.Inbound
            ? await tenants.ForInboundAsync(Value(form, "To"), Value(form, "MessagingServiceSid"), Value(form, "AccountSid"), http.RequestAborted).ConfigureAwait(false)
            : await tenants.ForStatusAsync(Value(form, "MessageSid") ?? Value(form, "SmsSid"), Value(form, "AccountSid"), http.RequestAborted).ConfigureAwait(false);
        switch (tenant.Outcome)
        {
            case TwilioTenantOutcome.CredentialsUnreadable:
                WebhookLog.TwilioRejected(logger, path, "the owning config's credentials cannot be decrypted; asked Twilio to retry");
                return WebhookResults.RetryLater();
            case TwilioTenantOutcome.Unknown:
                WebhookLog.TwilioNoCredentials(logger, path, "twilio", kind == TwilioWebhookKind.Inbound ? "by receiving number, messaging service or account" : "by message or account");
                return WebhookResults.InvalidSignature("The request's signature could not be verified.");
        }

        var parameters = form.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))).ToList();
        var publicBaseUrl = services.GetRequiredService<IOptions<PhoneHubOptions>>().Value.PublicBaseUrl;
        var valid = TwilioRequestValidator.IsValidForAnyUrl(PublicRequestUrl.Build(http.Request, publicBaseUrl), parameters, signature, tenant.Tokens);
        if (!valid)
        {
            WebhookLog.TwilioRejected(logger, path, "signature does not match");
            return WebhookResults.InvalidSignature("The request's signature could not be verified.");
        }

        http.Features.Set(new TwilioWebhookRequest(form, tenant.Config!));
        return await next(context).ConfigureAwait(false);
    }

    private static string? Value(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : null;
}
