using PhoneHub.AspNetCore.Webhooks;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

public class TwilioCallbackRouteTests
{
    // Core builds Twilio's StatusCallback URL without knowing the ASP.NET routes; this keeps the two in step.
    [Test]
    public void StatusCallbackPath_IsTheMountedStatusWebhookRoute() =>
        Assert.That(TwilioProvider.StatusCallbackPath, Is.EqualTo("/" + WebhookEndpoints.TwilioStatusPath));

    [Test]
    public async Task StatusCallbackUrl_ReachesTheStatusWebhook()
    {
        await using var host = await WebhookTestHost.StartAsync();
        using var response = await host.Client.PostAsync(
            "/api/phonehub" + TwilioProvider.StatusCallbackPath,
            new FormUrlEncodedContent([new("MessageSid", "SM00000000000000000000000000000000"), new("MessageStatus", "delivered")]));
        Assert.That((int)response.StatusCode, Is.EqualTo(403), "routed to the status webhook, which rejects the unsigned request");
    }
}
