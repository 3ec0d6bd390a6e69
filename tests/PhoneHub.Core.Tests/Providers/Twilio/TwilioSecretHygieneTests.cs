using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.Providers;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>Credentials must never reach logs or stored texts, whatever path a call takes.</summary>
[TestFixture]
public sealed class TwilioSecretHygieneTests
{
    [Test]
    public async Task AllPaths_AtTraceLevel_LogNoCredentials()
    {
        using var t = TwilioTestContext.Create(
            o => o.MaxRetryAttempts = 1,
            services: s =>
            {
                s.AddFakeLogging();
                s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
            });
        var texts = new List<string?>();
        t.Handler
            .Respond(HttpStatusCode.Created, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""")
            .Respond(HttpStatusCode.BadRequest, """{"code":21211,"message":"Invalid 'To' Phone Number","status":400}""")
            .Respond(HttpStatusCode.InternalServerError, "boom")
            .Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "ended"))
            .Respond(HttpStatusCode.Unauthorized, """{"code":20003,"message":"Authenticate","status":401}""")
            .Respond(HttpStatusCode.TooManyRequests, "").Respond(HttpStatusCode.TooManyRequests, "")
            .Respond(HttpStatusCode.OK, """{"status":"active","friendly_name":"Acme"}""");

        await t.Provider.SendAsync(TwilioTestContext.Sms(), TwilioTestContext.Context());
        foreach (var context in new[] { TwilioTestContext.Context(), TwilioTestContext.Context(TwilioTestContext.ApiKeyCredentials()), TwilioTestContext.Context() })
        {
            try
            {
                await t.Provider.SendAsync(TwilioTestContext.Sms(), context);
            }
            catch (SmsProviderException ex)
            {
                texts.Add(ex.Message);
                texts.Add(ex.ToString());
            }
        }

        foreach (var attempt in new Func<Task>[] { () => t.Provider.LookupAsync("+14155552671", TwilioTestContext.Context()), () => t.Provider.LookupAsync("+14155552671", TwilioTestContext.Context(TwilioTestContext.ApiKeyCredentials())) })
        {
            try
            {
                await attempt();
            }
            catch (PhoneLookupException ex)
            {
                texts.Add(ex.Message);
            }
        }

        texts.Add((await t.Provider.TestConnectionAsync(TwilioTestContext.Context())).Message);

        var records = t.Host.Services.GetFakeLogCollector().GetSnapshot();

        // The provider's own lines and the resilience pipeline's must be among them, or the check below proves little.
        // (The factory's default HTTP loggers are removed for Twilio clients: their structured state carries raw headers.)
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.Category), Has.Some.Contains("TwilioProvider"));
            Assert.That(records.Select(r => r.Category), Has.Some.Contains("Polly"));
            Assert.That(records.Select(r => r.Message), Has.None.StartsWith("Request Headers"));
        });
        foreach (var record in records)
        {


            texts.Add(record.Message);
            texts.Add(record.Exception?.ToString());
            texts.AddRange(record.StructuredState?.Select(kv => kv.Value) ?? []);
        }

        Assert.Multiple(() =>
        {
            foreach (var text in texts.Where(x => x is not null))
            {
                Assert.That(text, Does.Not.Contain(TwilioTestContext.AuthToken).And.Not.Contain(TwilioTestContext.ApiKeySecret));
                Assert.That(text, Does.Not.Match("Basic [A-Za-z0-9+/=]{8,}"));
            }
        });
    }
}
