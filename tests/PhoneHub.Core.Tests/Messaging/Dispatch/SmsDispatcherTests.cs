using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;
using PhoneHub.Tests.Infrastructure;
using PhoneHub.Tests.Providers.Twilio;

namespace PhoneHub.Tests.Messaging.Dispatch;

/// <summary>
/// What the dispatcher does with each kind of provider failure, through the real Twilio provider (its HTTP client ending
/// in a scripted handler) and a fallback config on a second provider.
/// </summary>
public class SmsDispatcherTests
{
    private const string To = "+14155552671";
    private const string Accepted = """{"sid":"SM00000000000000000000000000000001","status":"accepted","num_segments":"1"}""";

    private static TwilioTestContext Create(FakeProvider fallback, Action<SmsDispatchOptions>? dispatch = null) => TwilioTestContext.Create(
        twilio: o => o.RequestTimeout = TimeSpan.FromSeconds(10),
        builder: b => b.AddProvider<FakeProvider>(),
        services: s =>
        {
            s.AddSingleton(fallback);
            if (dispatch is not null)
            {
                s.Configure(dispatch);
            }
        });

    // A Twilio config in the system default group whose fallback is a config on the fake provider.
    private static async Task<(PhoneConfig Primary, PhoneConfig Fallback)> ConfigsAsync(TwilioTestContext t, int? sendRate = null)
    {
        var configs = t.Host.Hub.Configs;
        var fallback = (await configs.CreateAsync(new PhoneConfig
        {
            Name = "Backup",
            Provider = "fake",
            Settings = new Dictionary<string, string> { ["from_number"] = "+14155550199" },
        })).Config;
        var primary = (await configs.CreateAsync(new PhoneConfig
        {
            Name = "Main",
            Provider = PhoneProviders.Twilio,
            IsActive = true,
            FallbackConfigId = fallback.Id,
            SendRate = sendRate,
            Settings = TestSettings.Of(("from_number", TwilioTestContext.FromNumber)),
        })).Config;
        await configs.SetCredentialsAsync(primary.Id, ProviderCredentials.ForTwilio(TwilioTestContext.AccountSid, TwilioTestContext.AuthToken));
        return (primary, fallback);
    }

    private static HttpResponseMessage Created() => new(HttpStatusCode.Created) { Content = new StringContent(Accepted, Encoding.UTF8, "application/json") };

    [Test]
    public async Task SendAsync_ConnectionRefused_FailsOverToTheFallbackConfig()
    {
        var backup = new FakeProvider();
        using var t = Create(backup);
        var (primary, fallback) = await ConfigsAsync(t);
        t.Handler.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (api.twilio.test:443)"));

        var message = await t.Host.Hub.Messages.SendAsync(new SendSmsRequest { To = To, Body = "Hello" });

        Assert.Multiple(() =>
        {
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(backup.SendCalls, Is.EqualTo(1));
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(message.ConfigId, Is.EqualTo(fallback.Id), "the message records the config that sent it");
            Assert.That(message.Provider, Is.EqualTo("fake"));
            Assert.That(message.From, Is.EqualTo("+14155550199"), "the fallback's own sender");
            Assert.That(message.Attempts, Is.EqualTo(2));
            Assert.That(message.ErrorCode, Is.Null, "the successful attempt's outcome replaces the refusal");
            Assert.That(primary.FallbackConfigId, Is.EqualTo(fallback.Id));
        });
    }

    [TestCase(HttpStatusCode.Unauthorized, 20003)]
    [TestCase(HttpStatusCode.Forbidden, 20005)]
    public async Task SendAsync_AccountRefused_FailsOver(HttpStatusCode status, int code)
    {
        var backup = new FakeProvider();
        using var t = Create(backup);
        var (_, fallback) = await ConfigsAsync(t);
        t.Handler.Respond(status, $$"""{"code":{{code}},"message":"Authenticate","status":{{(int)status}}}""");

        var message = await t.Host.Hub.Messages.SendAsync(new SendSmsRequest { To = To, Body = "Hello" });

        Assert.That(message.ConfigId, Is.EqualTo(fallback.Id));
        Assert.That(backup.SendCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task SendAsync_MessageRefused_DoesNotFailOver()
    {
        var backup = new FakeProvider();
        using var t = Create(backup);
        var (primary, _) = await ConfigsAsync(t);
        t.Handler.Respond(HttpStatusCode.BadRequest, """{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}""");

        var message = await t.Host.Hub.Messages.SendAsync(new SendSmsRequest { To = To, Body = "Hello" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo("21610"));
            Assert.That(message.ConfigId, Is.EqualTo(primary.Id));
            Assert.That(backup.SendCalls, Is.Zero, "the recipient refused it: another provider must not send it");
        });
    }

    [Test]
    public async Task SendAsync_Timeout_DoesNotFailOverAndEndsOutcomeUnknown()
    {
        var backup = new FakeProvider();
        using var t = Create(backup);
        var (primary, _) = await ConfigsAsync(t);
        t.Handler.Hang();
        t.Handler.Fallback = (_, _) => Task.FromResult(Created());

        var send = t.Host.Hub.Messages.SendAsync(new SendSmsRequest { To = To, Body = "Hello" });
        await t.Handler.WaitForRequestsAsync(1);

        // The request timeout runs on PhoneHub's clock: move it past the timeout until the call gives up.
        for (var i = 0; i < 200 && !send.IsCompleted; i++)
        {
            t.Host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        var message = await send;
        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo(SmsDispatcher.OutcomeUnknown));
            Assert.That(message.ConfigId, Is.EqualTo(primary.Id));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(1));
            Assert.That(backup.SendCalls, Is.Zero, "Twilio may have taken it: no second provider may send it");
        });
    }

    [Test]
    public async Task SendAsync_ServerError_DoesNotFailOver()
    {
        var backup = new FakeProvider();
        using var t = Create(backup);
        await ConfigsAsync(t);
        t.Handler.Respond(HttpStatusCode.InternalServerError, """{"code":20500,"message":"Internal Server Error","status":500}""");

        var message = await t.Host.Hub.Messages.SendAsync(new SendSmsRequest { To = To, Body = "Hello" });

        Assert.That(message.ErrorCode, Is.EqualTo(SmsDispatcher.OutcomeUnknown));
        Assert.That(backup.SendCalls, Is.Zero);
    }

    [Test]
    public async Task Dispatch_TooManyRequests_PausesTheSenderAndTheMessageStillGoesOut()
    {
        var backup = new FakeProvider();
        using var t = Create(backup, o => o.PaceSenders = true);
        await ConfigsAsync(t, sendRate: 10);
        t.Handler.Respond(HttpStatusCode.TooManyRequests, """{"code":20429,"message":"Too Many Requests","status":429}""",
            configure: r => r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(2)));
        t.Handler.Fallback = (_, _) => Task.FromResult(Created());
        var sms = t.Host.Hub.Messages;

        var throttled = await sms.SendAsync(new SendSmsRequest { To = To, Body = "First" });
        Assert.Multiple(() =>
        {
            Assert.That(throttled.Status, Is.EqualTo(SmsStatus.Queued), "not failed: Twilio did not take it");
            Assert.That(throttled.ErrorCode, Is.EqualTo("20429"));
            Assert.That(backup.SendCalls, Is.Zero, "a throttle is not a reason to fail over");
        });

        // The sender is paused: anything else it sends waits for the pause (a permit is granted at once when not paused).
        var dispatcher = t.Host.Get<SmsDispatcher>();
        var config = (await t.Host.Hub.Configs.GetAsync(throttled.ConfigId!.Value))!;
        var permit = dispatcher.PaceAsync(config, TwilioTestContext.FromNumber, 1, CancellationToken.None);
        Assert.That(permit.IsCompleted, Is.False, "the sender is paused");
        Assert.That(await sms.DispatchDueAsync(), Is.Zero, "the throttled message is not due before the pause ends");

        t.Host.Time.Advance(TimeSpan.FromSeconds(2));
        await permit;
        Assert.That(await sms.DispatchDueAsync(), Is.EqualTo(1));

        var sent = await sms.GetAsync(throttled.Id);
        Assert.Multiple(() =>
        {
            Assert.That(sent!.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(sent.ProviderMessageId, Is.EqualTo("SM00000000000000000000000000000001"));
            Assert.That(sent.ErrorCode, Is.Null);
            Assert.That(sent.Attempts, Is.EqualTo(2));
            Assert.That(sent.SentAt, Is.EqualTo(PhoneHubTestHost.Start.AddSeconds(2)));
            Assert.That(t.Handler.Requests, Has.Count.EqualTo(2));
        });
    }
}
