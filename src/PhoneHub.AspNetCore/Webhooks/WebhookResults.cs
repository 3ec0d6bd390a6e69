using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The answers the webhooks give: ProblemDetails for errors (without internals), TwiML for Twilio.</summary>
internal static class WebhookResults
{
    public static IResult Problem(int status, string title, string code, string? detail = null) =>
        TypedResults.Problem(
            statusCode: status,
            title: title,
            detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult InvalidSignature(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "The request's signature is missing or invalid.", "invalid_signature", detail);

    /// <summary>503 with <c>Retry-After</c>: the request may be genuine but cannot be checked now (providers deliver again).</summary>
    public static IResult RetryLater() => new RetryAfterResult(
        Problem(StatusCodes.Status503ServiceUnavailable, "The webhook cannot be processed now.", "temporarily_unavailable", "Deliver again later."),
        TimeSpan.FromSeconds(60));

    public static IResult TooLarge(int maxBytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", "body_too_large", $"At most {maxBytes} bytes are accepted.");

    public static IResult BadRequest(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "The webhook request is malformed.", "malformed_webhook", detail);

    /// <summary>
    /// A TwiML answer: <c>&lt;Response&gt;&lt;Message&gt;reply&lt;/Message&gt;&lt;/Response&gt;</c>, or an empty
    /// <c>&lt;Response/&gt;</c>. Built with <see cref="XElement"/> so the reply is escaped; characters XML cannot carry
    /// at all (most control characters) are dropped rather than failing the webhook.
    /// </summary>
    public static IResult TwiML(string? reply)
    {
        var response = new XElement("Response");
        if (!string.IsNullOrEmpty(reply))
        {
            response.Add(new XElement("Message", XmlSafe(reply)));
        }

        var xml = new XDocument(new XDeclaration("1.0", "utf-8", null), response);
        var text = xml.Declaration + xml.ToString(SaveOptions.DisableFormatting);
        return TypedResults.Text(text, "text/xml", Encoding.UTF8);
    }

    private static string XmlSafe(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>Adds a <c>Retry-After</c> header to another result.</summary>
internal sealed class RetryAfterResult(IResult inner, TimeSpan delay) : IResult
{
    public IResult Inner => inner;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = ((int)delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
