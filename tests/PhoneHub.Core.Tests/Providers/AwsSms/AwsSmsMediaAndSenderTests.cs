using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.AwsSms;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// What a send may name through an <c>aws-sms</c> config, checked by PhoneHub before the message is stored: media URLs
/// in the schemes the provider declares (<c>s3</c>), and senders AWS takes (pool IDs, sender IDs, ARNs).
/// </summary>
public sealed class AwsSmsMediaAndSenderTests
{
    private const string To = "+14155552671";
    private const string PoolArn = "arn:aws:sms-voice:eu-west-1:111122223333:pool/pool-0123456789abcdef0123456789abcdef";

    [Test]
    public async Task SendAsync_S3Media_StoredAndSentAsMediaMessage()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Sent("mms-1");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Look", MediaUrls = ["s3://phonehub-media/cats/1.png"] });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted), message.ErrorMessage);
            Assert.That(message.MediaUrls, Is.EqualTo(new[] { "s3://phonehub-media/cats/1.png" }));
            Assert.That(LoopbackAwsSms.Action(t.Aws.Requests.Single()), Is.EqualTo("SendMediaMessage"));
        });
    }

    [TestCase("https://example.com/a.png")]
    [TestCase("http://example.com/a.png")]
    [TestCase("file:///etc/passwd")]
    [TestCase("s3-bucket/a.png")]
    public async Task SendAsync_MediaNotOnS3_ValidationErrorOnMediaUrlsAndNothingStored(string url)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        var sms = t.Host.Get<ISmsService>();

        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => sms.SendAsync(new SendSmsRequest { To = To, Body = "Look", MediaUrls = [url] }));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Errors.Keys, Is.EquivalentTo(new[] { "media_urls" }));
            Assert.That(ex.Errors["media_urls"].Single(), Does.Contain("s3").And.Contain("aws-sms"));
            Assert.That((await sms.ListAsync(new PhoneHub.Stores.SmsQuery { AllGroups = true })).TotalCount, Is.Zero);
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_TestModeConfig_RefusesWhatTheRealProviderWould()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c with { TestMode = true });
        var sms = t.Host.Get<ISmsService>();

        var https = Assert.ThrowsAsync<PhoneHubValidationException>(() => sms.SendAsync(new SendSmsRequest { To = To, Body = "Look", MediaUrls = ["https://example.com/a.png"] }));
        var s3 = await sms.SendAsync(new SendSmsRequest { To = To, Body = "Look", MediaUrls = ["s3://phonehub-media/a.png"] });

        Assert.Multiple(() =>
        {
            Assert.That(https!.Errors.Keys, Is.EquivalentTo(new[] { "media_urls" }));
            Assert.That(s3.IsTest, Is.True);
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_ElevenS3Urls_RefusedByTheTenUrlLimit()
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest
        {
            To = To,
            Body = "Look",
            MediaUrls = [.. Enumerable.Range(1, 11).Select(i => $"s3://phonehub-media/{i}.png")],
        }));

        Assert.That(ex!.Errors["media_urls"].Single(), Does.Contain("At most 10"));
    }

    [Test]
    public async Task SendAsync_TwoS3Urls_StoredFailedBecauseAwsTakesOne()
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Look", MediaUrls = ["s3://b-1/a.png", "s3://b-1/b.png"] });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.MediaNotSupported));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_TwilioConfig_StillRefusesS3AndTakesHttps()
    {
        using var host = PhoneHubTestHost.Create(b => b.AddTwilio().AddAwsSms());
        await host.Get<IPhoneConfigService>().CreateAsync(new PhoneConfig
        {
            Name = "twilio", Provider = PhoneProviders.Twilio, TestMode = true, IsActive = true,
            Settings = TestSettings.Of(("from_number", "+14155550100")),
        });
        var sms = host.Get<ISmsService>();

        var s3 = Assert.ThrowsAsync<PhoneHubValidationException>(() => sms.SendAsync(new SendSmsRequest { To = To, Body = "x", MediaUrls = ["s3://bucket/a.png"] }));
        var https = await sms.SendAsync(new SendSmsRequest { To = To, Body = "x", MediaUrls = ["https://example.com/a.png"] });
        var pool = Assert.ThrowsAsync<PhoneHubValidationException>(() => sms.SendAsync(new SendSmsRequest { To = To, Body = "x", From = "pool-0123456789abcdef0123456789abcdef" }));

        Assert.Multiple(() =>
        {
            Assert.That(s3!.Errors["media_urls"], Is.EqualTo(new[] { "Media URLs must be absolute http or https URLs." }));
            Assert.That(https.MediaUrls, Is.EqualTo(new[] { "https://example.com/a.png" }));
            Assert.That(pool!.Errors.Keys, Is.EquivalentTo(new[] { "from_number" }), "pool IDs are an aws-sms sender");
        });
    }

    [TestCase("pool-0123456789abcdef0123456789abcdef")]
    [TestCase(PoolArn)]
    [TestCase("arn:aws:sms-voice:eu-west-1:111122223333:sender-id/PhoneHub/GB")]
    [TestCase("phone-0123456789abcdef0123456789abcdef")]
    [TestCase("Phone_Hub")]
    public async Task SendAsync_FromPoolSenderIdOrArn_SentAsOriginationIdentity(string from)
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi", From = from });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted), message.ErrorMessage);
            Assert.That(message.From, Is.EqualTo(from));
            Assert.That(LoopbackAwsSms.Body(t.Aws.Requests.Single()).GetProperty("OriginationIdentity").GetString(), Is.EqualTo(from));
        });
    }

    [Test]
    public async Task SendAsync_FromPhoneNumber_NormalizedAndSent()
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi", From = "+1 206-555-0123" });

        Assert.That(LoopbackAwsSms.Body(t.Aws.Requests.Single()).GetProperty("OriginationIdentity").GetString(), Is.EqualTo("+12065550123"));
        Assert.That(message.From, Is.EqualTo("+12065550123"));
    }

    [TestCase("My Shop")]
    [TestCase("pool.0123")]
    public async Task SendAsync_FromAwsWouldRefuse_ValidationErrorOnFromNumberAndNothingStored(string from)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        var sms = t.Host.Get<ISmsService>();

        var ex = Assert.ThrowsAsync<PhoneHubValidationException>(() => sms.SendAsync(new SendSmsRequest { To = To, Body = "Hi", From = from }));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Errors.Keys, Is.EquivalentTo(new[] { "from_number" }));
            Assert.That(ex.Errors["from_number"].Single(), Does.Contain("pool ID"));
            Assert.That((await sms.ListAsync(new PhoneHub.Stores.SmsQuery { AllGroups = true })).TotalCount, Is.Zero);
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [TestCase]
    [TestCase("")]
    [TestCase("not a scheme")]
    public void ProviderDefinition_MediaUrlSchemesNotSchemes_Refused(params string[] schemes)
    {
        Assert.Throws<ArgumentException>(() => _ = new ProviderDefinition("custom") { MediaUrlSchemes = schemes });
    }

    [Test]
    public void ProviderDefinition_MediaUrlSchemes_DefaultHttpAndHttpsAndDeclaredOnesLowerCased()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new ProviderDefinition("custom").MediaUrlSchemes, Is.EqualTo(new[] { "http", "https" }));
            Assert.That(new ProviderDefinition("custom") { MediaUrlSchemes = ["S3", "s3", "HTTPS"] }.MediaUrlSchemes, Is.EqualTo(new[] { "s3", "https" }));
            Assert.That(AwsSmsDefinition.Instance.MediaUrlSchemes, Is.EqualTo(new[] { "s3" }));
        });
    }
}
