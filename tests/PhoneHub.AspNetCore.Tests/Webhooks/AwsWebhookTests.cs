using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using PhoneHub.Configuration;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>The SNS webhook through a real host, with envelopes signed in the test by a generated certificate.</summary>
public sealed class AwsWebhookTests
{
    private const string Path = WebhookTestHost.Prefix + "/sms/webhook/aws";
    private const string CertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    private const string TopicArn = "arn:aws:sns:us-east-1:123456789012:phonehub-inbound";
    private const string OurNumber = "+14155550111";

    private static RSA Key => TestSnsCertificate.Key;

    private static string CertificatePem => TestSnsCertificate.Pem;

    private static async Task<WebhookTestHost> StartAsync(Action<PhoneHubWebhookOptions>? configure = null)
    {
        var host = await WebhookTestHost.StartAsync(configureWebhooks: configure);
        await host.AddAwsConfigAsync("group-aws", OurNumber, TopicArn);
        // The fake serves the certificate at every URL the tests use, so a rejection proves the URL check, not a 404.
        foreach (var url in new[]
        {
            CertUrl,
            "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-0123456789abcdef.pem",
            "https://evil.example.com/SimpleNotificationService-0123456789abcdef.pem",
            "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem",
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.txt",
            "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123456789abcdef.pem",
            "https://xsns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem",
        })
        {
            host.Sns.ServeCertificate(url, CertificatePem);
        }

        return host;
    }

    private static Dictionary<string, string> Sign(Dictionary<string, string> fields, string version = "2", RSA? key = null) =>
        SnsTestSigning.Sign(fields, version, key);

    private static Dictionary<string, string> Notification(string inboundMessageId, string certUrl = CertUrl, string body = "STOP & go <now>", string topicArn = TopicArn) => new()
    {
        ["Type"] = "Notification",
        ["MessageId"] = Guid.NewGuid().ToString(),
        ["TopicArn"] = topicArn,
        ["Message"] = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["originationNumber"] = "+14155550999",
            ["destinationNumber"] = OurNumber,
            ["messageKeyword"] = "KEYWORD_123456789012",
            ["messageBody"] = body,
            ["inboundMessageId"] = inboundMessageId,
            ["previousPublishedMessageId"] = "abc",
        }),
        ["Timestamp"] = "2026-03-01T12:00:00.000Z",
        ["SigningCertURL"] = certUrl,
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + TopicArn + ":1",
    };

    private static Dictionary<string, string> Confirmation(string? subscribeUrl = null) => new()
    {
        ["Type"] = "SubscriptionConfirmation",
        ["MessageId"] = Guid.NewGuid().ToString(),
        ["Token"] = "2336412f37fb687f5d51e6e2425f004aed",
        ["TopicArn"] = TopicArn,
        ["Message"] = "You have chosen to subscribe to the topic " + TopicArn + ".",
        ["SubscribeURL"] = subscribeUrl ?? $"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={Uri.EscapeDataString(TopicArn)}&Token=2336412f37fb687f5d51e6e2425f004aed",
        ["Timestamp"] = "2026-03-01T12:00:00.000Z",
        ["SigningCertURL"] = CertUrl,
    };

    private static Task<HttpResponseMessage> PostAsync(WebhookTestHost host, Dictionary<string, string> envelope, string? rawBody = null) =>
        SnsTestSigning.PostAsync(host, Path, envelope, rawBody);

    [TestCase("1")]
    [TestCase("2")]
    public async Task Notification_SignedWithVersion_StoresInboundSmsInOwnersGroup(string version)
    {
        await using var host = await StartAsync();
        var id = "inbound-v" + version;

        using var response = await PostAsync(host, Sign(Notification(id), version));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var stored = await host.Get<ISmsStore>().FindByProviderIdAsync(PhoneProviders.Aws, id);
        Assert.That(stored, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(stored!.Group, Is.EqualTo("group-aws"));
            Assert.That(stored.Body, Is.EqualTo("STOP & go <now>"));
            Assert.That(stored.From, Is.EqualTo("+14155550999"));
            Assert.That(stored.To, Is.EqualTo(OurNumber));
        });
    }

    [Test]
    public async Task Notification_WithSubject_SignedStringIncludesIt()
    {
        await using var host = await StartAsync();
        var fields = Notification("inbound-subject");
        fields["Subject"] = "Two-way SMS";

        using var response = await PostAsync(host, Sign(fields));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Notification_MessageAlteredAfterSigning_Forbidden()
    {
        await using var host = await StartAsync();
        var fields = Sign(Notification("inbound-altered"));
        fields["Message"] = fields["Message"].Replace("STOP", "START", StringComparison.Ordinal);

        using var response = await PostAsync(host, fields);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Aws, "inbound-altered"), Is.Zero);
    }

    [Test]
    public async Task Notification_SignedByAnotherKey_Forbidden()
    {
        await using var host = await StartAsync();
        using var other = RSA.Create(2048);

        using var response = await PostAsync(host, Sign(Notification("inbound-other-key"), key: other));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("https://evil.example.com/SimpleNotificationService-0123456789abcdef.pem", TestName = "Notification_CertificateOnWrongHost_Forbidden")]
    [TestCase("https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-0123456789abcdef.pem", TestName = "Notification_CertificateOnLookAlikeHost_Forbidden")]
    [TestCase("https://xsns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem", TestName = "Notification_CertificateOnPrefixedHost_Forbidden")]
    [TestCase("http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem", TestName = "Notification_CertificateOverHttp_Forbidden")]
    [TestCase("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.txt", TestName = "Notification_CertificateNotPem_Forbidden")]
    [TestCase("https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123456789abcdef.pem", TestName = "Notification_CertificateOnOtherPort_Forbidden")]
    public async Task Notification_DisallowedCertificateUrl_ForbiddenAndNotFetched(string certUrl)
    {
        await using var host = await StartAsync();

        // Signed correctly with the key the fake would serve at that URL: only the URL check can refuse it.
        using var response = await PostAsync(host, Sign(Notification("inbound-bad-cert", certUrl)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(host.Sns.Requests, Is.Empty, "the certificate must not even be fetched");
        Assert.That(await host.CountRowsAsync(PhoneProviders.Aws, "inbound-bad-cert"), Is.Zero);
    }

    [Test]
    public async Task Notification_DeliveredTwice_OneRow()
    {
        await using var host = await StartAsync();
        var envelope = Sign(Notification("inbound-dup"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await PostAsync(host, envelope);
            return response.StatusCode;
        }));
        using var again = await PostAsync(host, envelope);

        Assert.That(responses, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Aws, "inbound-dup"), Is.EqualTo(1));
    }

    [Test]
    public async Task Notification_HandlerReply_SentAsOutboundMessageOfTheGroup()
    {
        var handler = new RecordingInboundHandler("Thanks, got it");
        await using var host = await WebhookTestHost.StartAsync(handler: handler);
        host.Sns.ServeCertificate(CertUrl, CertificatePem);
        // Test mode: the reply goes through the built-in test provider instead of SNS.
        await host.Get<IPhoneConfigService>().CreateAsync(new PhoneConfig
        {
            Name = "aws", Group = "group-aws", Provider = PhoneProviders.Aws, TestMode = true, IsActive = true,
            Settings = new Dictionary<string, string> { ["region"] = "us-east-1", ["origination_number"] = OurNumber, ["topic_arns"] = TopicArn },
        });
        var envelope = Sign(Notification("inbound-reply"));

        using (await PostAsync(host, envelope))
        {
        }

        using (await PostAsync(host, envelope))
        {
        }

        var outbound = await host.Get<PhoneHub.Messaging.ISmsService>().ListAsync(new SmsQuery { Group = "group-aws", Direction = PhoneHub.Messaging.SmsDirection.Outbound });
        Assert.That(handler.Calls, Is.EqualTo(1));
        Assert.That(outbound.Items.Select(m => (m.To, m.Body)), Is.EqualTo(new[] { ("+14155550999", "Thanks, got it") }));
    }

    [Test]
    public async Task Notification_CertificateCached_FetchedOnce()
    {
        await using var host = await StartAsync();
        using (await PostAsync(host, Sign(Notification("inbound-cache-1"))))
        {
        }

        using (await PostAsync(host, Sign(Notification("inbound-cache-2"))))
        {
        }

        Assert.That(host.Sns.Requests.Count(u => u.AbsoluteUri == CertUrl), Is.EqualTo(1));
    }

    [Test]
    public async Task Notification_TopicNotInAllowList_Forbidden()
    {
        await using var host = await StartAsync(o => o.AllowedSnsTopicArns.Add(TopicArn));

        using var other = await PostAsync(host, Sign(Notification("inbound-other-topic", topicArn: "arn:aws:sns:us-east-1:999999999999:someone-else")));
        using var mine = await PostAsync(host, Sign(Notification("inbound-my-topic")));

        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Notification_MalformedEnvelope_BadRequest()
    {
        await using var host = await StartAsync();

        using var notJson = await PostAsync(host, new Dictionary<string, string>(), rawBody: "this is not json");
        using var missing = await PostAsync(host, new Dictionary<string, string> { ["Type"] = "Notification" });

        Assert.That(notJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Notification_SignedButMessageIsNotAnSms_BadRequest()
    {
        await using var host = await StartAsync();
        var fields = Notification("unused");
        fields["Message"] = "{\"hello\":\"world\"}";

        using var response = await PostAsync(host, Sign(fields));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task SubscriptionConfirmation_Valid_CallsSubscribeUrl()
    {
        await using var host = await StartAsync();
        var fields = Sign(Confirmation());

        using var response = await PostAsync(host, fields);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(host.Sns.Requests.Select(u => u.AbsoluteUri), Does.Contain(new Uri(fields["SubscribeURL"]).AbsoluteUri));
    }

    [TestCase("https://evil.example.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aphonehub-inbound&Token=2336412f37fb687f5d51e6e2425f004aed", TestName = "SubscriptionConfirmation_SubscribeUrlOnOtherHost_NotCalled")]
    [TestCase("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aphonehub-inbound&Token=2336412f37fb687f5d51e6e2425f004aed", TestName = "SubscriptionConfirmation_SubscribeUrlOnOtherSnsHost_NotCalled")]
    [TestCase("http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aphonehub-inbound&Token=2336412f37fb687f5d51e6e2425f004aed", TestName = "SubscriptionConfirmation_SubscribeUrlOverHttp_NotCalled")]
    [TestCase("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aother&Token=2336412f37fb687f5d51e6e2425f004aed", TestName = "SubscriptionConfirmation_SubscribeUrlForOtherTopic_NotCalled")]
    [TestCase("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aphonehub-inbound&Token=other", TestName = "SubscriptionConfirmation_SubscribeUrlWithOtherToken_NotCalled")]
    [TestCase("https://sns.us-east-1.amazonaws.com/?Action=DeleteTopic&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aphonehub-inbound&Token=2336412f37fb687f5d51e6e2425f004aed", TestName = "SubscriptionConfirmation_SubscribeUrlWithOtherAction_NotCalled")]
    public async Task SubscriptionConfirmation_UnexpectedSubscribeUrl_NotCalled(string subscribeUrl)
    {
        await using var host = await StartAsync();

        using var response = await PostAsync(host, Sign(Confirmation(subscribeUrl)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(host.Sns.Requests.Select(u => u.AbsoluteUri), Is.All.EqualTo(CertUrl), "only the certificate was fetched");
    }

    [Test]
    public async Task SubscriptionConfirmation_BadSignature_ForbiddenAndNotCalled()
    {
        await using var host = await StartAsync();
        var fields = Sign(Confirmation());
        fields["Token"] = "tampered";

        using var response = await PostAsync(host, fields);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(host.Sns.Requests.Select(u => u.AbsoluteUri), Has.None.Contains("ConfirmSubscription"));
    }

    [Test]
    public async Task SubscriptionConfirmation_AutomaticConfirmationOff_NotCalled()
    {
        await using var host = await StartAsync(o => o.ConfirmSnsSubscriptions = false);

        using var response = await PostAsync(host, Sign(Confirmation()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(host.Sns.Requests.Select(u => u.AbsoluteUri), Has.None.Contains("ConfirmSubscription"));
    }

    // Finding 1: with default options a signed notification from any AWS account's topic was accepted, stored in the
    // group owning the destination number, and the host's reply went out through that tenant's account.
    [Test]
    public async Task Notification_FromATopicNoConfigOwns_RefusedStoresNothingRepliesNothingFetchesNothing()
    {
        var handler = new RecordingInboundHandler("Reply through the victim's account");
        await using var host = await WebhookTestHost.StartAsync(handler: handler);
        host.Sns.ServeCertificate(CertUrl, CertificatePem);
        await host.AddAwsConfigAsync("group-aws", OurNumber, TopicArn);
        const string foreign = "arn:aws:sns:us-east-1:999999999999:attacker-topic";

        using var notification = await PostAsync(host, Sign(Notification("forged-1", topicArn: foreign)));
        var confirmation = Confirmation();
        confirmation["TopicArn"] = foreign;
        confirmation["SubscribeURL"] = $"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn={Uri.EscapeDataString(foreign)}&Token=2336412f37fb687f5d51e6e2425f004aed";
        using var subscribe = await PostAsync(host, Sign(confirmation));

        Assert.That(notification.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(subscribe.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Aws, "forged-1"), Is.Zero);
        Assert.That((await host.Get<ISmsStore>().ListAsync(new SmsQuery { AllGroups = true })).TotalCount, Is.Zero, "no inbound row, no reply row");
        Assert.That(handler.Calls, Is.Zero);
        Assert.That(host.Sns.Requests, Is.Empty, "neither the certificate nor the SubscribeURL was fetched");
    }

    [Test]
    public async Task Notification_OwnTopicButAnotherTenantsNumber_Refused()
    {
        await using var host = await StartAsync();
        await host.AddAwsConfigAsync("group-other", "+14155550222", "arn:aws:sns:us-east-1:123456789012:other-inbound");
        var fields = Notification("cross-1");
        fields["Message"] = "{\"originationNumber\":\"+14155550999\",\"destinationNumber\":\"+14155550222\",\"messageBody\":\"hi\",\"inboundMessageId\":\"cross-1\"}";

        using var response = await PostAsync(host, Sign(fields));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await host.CountRowsAsync(PhoneProviders.Aws, "cross-1"), Is.Zero);
    }

    // Finding 6: invalid UTF-8 or a lone-surrogate escape in any string answered 500 with a stack trace.
    [TestCase("{\"Type\":\"\\ud800\",\"MessageId\":\"m\"}")]
    [TestCase("{\"Type\":\"Notification\",\"MessageId\":\"\\udc00x\",\"TopicArn\":\"t\"}")]
    [TestCase("{\"\\ud800\":\"x\"}")]
    [TestCase("[1,2,3]")]
    [TestCase("{\"Type\":7}")]
    [TestCase("\"just a string\"")]
    public async Task Envelope_NotValidUnicodeOrWrongTypes_Answers400WithoutDetails(string body)
    {
        await using var host = await StartAsync();

        using var response = await PostAsync(host, [], body);

        await AssertMalformedAsync(response);
    }

    [Test]
    public async Task Envelope_InvalidUtf8Bytes_Answers400WithoutDetails()
    {
        await using var host = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent([.. "{\"Type\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]) };

        using var response = await host.Client.SendAsync(request);

        await AssertMalformedAsync(response);
    }

    [Test]
    public async Task Notification_SignedInnerMessageWithLoneSurrogate_Answers400AndStoresNothing()
    {
        await using var host = await StartAsync();
        var fields = Notification("surrogate-1");
        fields["Message"] = "{\"originationNumber\":\"+14155550999\",\"destinationNumber\":\"" + OurNumber + "\",\"messageBody\":\"\\ud800\",\"inboundMessageId\":\"surrogate-1\"}";

        using var response = await PostAsync(host, Sign(fields));

        await AssertMalformedAsync(response);
        Assert.That(await host.CountRowsAsync(PhoneProviders.Aws, "surrogate-1"), Is.Zero);
    }

    private static async Task AssertMalformedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.InRange(400, 499), text);
        Assert.That(text, Does.Not.Match(@"\bat [A-Z][\w.]+[.(]").And.Not.Contain("Exception"), "no stack trace, no exception names");
    }
}
