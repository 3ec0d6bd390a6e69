using Microsoft.Extensions.Options;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

public sealed class PhoneHubWebhookOptionsTests
{
    [Test]
    public void StartAsync_NonPositiveMaxBodyBytes_FailsAtStartNamingTheOption()
    {
        var ex = Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await WebhookTestHost.StartAsync(configureWebhooks: o => o.MaxBodyBytes = 0);
        });

        Assert.That(ex!.Message, Does.Contain("MaxBodyBytes"));
    }

    [Test]
    public async Task ConfigureWebhooks_SetsOptions()
    {
        await using var host = await WebhookTestHost.StartAsync(configureWebhooks: o =>
        {
            o.AllowedSnsTopicArns.Add("arn:aws:sns:us-east-1:123456789012:t");
            o.SnsCertificateCacheDuration = TimeSpan.FromMinutes(5);
        });

        var options = host.Get<IOptions<PhoneHubWebhookOptions>>().Value;
        Assert.That(options.AllowedSnsTopicArns, Is.EqualTo(new[] { "arn:aws:sns:us-east-1:123456789012:t" }));
        Assert.That(options.SnsCertificateCacheDuration, Is.EqualTo(TimeSpan.FromMinutes(5)));
    }
}
