using Microsoft.AspNetCore.Http;
using PhoneHub.AspNetCore.Webhooks;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>How the public URL Twilio signed is rebuilt from the request the app sees.</summary>
public sealed class PublicRequestUrlTests
{
    private static HttpRequest Request(string scheme = "http", string host = "10.0.0.5:8080", string pathBase = "", string path = "/api/phonehub/sms/webhook/twilio", string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        context.Request.PathBase = new PathString(pathBase);
        context.Request.Path = new PathString(path);
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    [Test]
    public void Build_NoPublicBaseUrl_UsesRequestSchemeHostPathBasePathAndQuery()
    {
        var urls = PublicRequestUrl.Build(Request(pathBase: "/app", query: "?a=1&b=It%27s"), publicBaseUrl: null);

        Assert.That(urls, Is.EqualTo(new[] { "http://10.0.0.5:8080/app/api/phonehub/sms/webhook/twilio?a=1&b=It%27s" }));
    }

    [Test]
    public void Build_PublicBaseUrl_ReplacesSchemeHostAndPathBase()
    {
        var urls = PublicRequestUrl.Build(Request(pathBase: "/internal", query: "?a=1"), new Uri("https://Hooks.Example.com/app/"));

        Assert.That(urls, Is.EqualTo(new[]
        {
            "https://Hooks.Example.com/app/api/phonehub/sms/webhook/twilio?a=1",
            "https://hooks.example.com/app/api/phonehub/sms/webhook/twilio?a=1",
        }));
    }

    [Test]
    public void Build_PublicBaseUrlWithoutPath_NoDoubleSlash()
    {
        var urls = PublicRequestUrl.Build(Request(), new Uri("https://hooks.example.com"));

        Assert.That(urls, Is.EqualTo(new[] { "https://hooks.example.com/api/phonehub/sms/webhook/twilio" }));
    }
}
