using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;
using NSubstitute;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>The SNS provider end to end: a real PhoneHub container sends through a loopback HTTP endpoint standing in for SNS.</summary>
public sealed class AwsSnsSmsProviderTests
{
    private const string To = "+14155552671";

    [Test]
    public async Task SendAsync_StoredCredentials_PostsSignedPublishWithAttributes()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.MaxPrice = 0.5m);
        t.Sns.Respond = (_, _) => LoopbackResponse.Published("7d2f4e1a-0000-4000-8000-000000000001");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hello & welcome: é=+ 100%" });

        Assert.That(t.Sns.Requests, Has.Count.EqualTo(1));
        var request = t.Sns.Requests.Single();
        var form = AwsSnsTestContext.Form(request);
        var attributes = AwsSnsTestContext.Attributes(form);
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Target, Is.EqualTo("/"));
            Assert.That(request.Header("Content-Type"), Is.EqualTo("application/x-www-form-urlencoded; charset=utf-8"));
            Assert.That(request.Header("Host"), Is.EqualTo(t.Sns.Url.Authority));
            Assert.That(form["Action"], Is.EqualTo("Publish"));
            Assert.That(form["Version"], Is.EqualTo("2010-03-31"));
            Assert.That(form["PhoneNumber"], Is.EqualTo(To));
            Assert.That(form["Message"], Is.EqualTo("Hello & welcome: é=+ 100%"));
            Assert.That(attributes["AWS.SNS.SMS.SMSType"], Is.EqualTo(("String", "Transactional")));
            Assert.That(attributes["AWS.SNS.SMS.SenderID"], Is.EqualTo(("String", "PhoneHub")));
            Assert.That(attributes["AWS.MM.SMS.OriginationNumber"], Is.EqualTo(("String", "+12065550100")));
            Assert.That(attributes["AWS.SNS.SMS.MaxPrice"], Is.EqualTo(("Number", "0.5")));
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(message.Provider, Is.EqualTo("aws"));
            Assert.That(message.ProviderMessageId, Is.EqualTo("7d2f4e1a-0000-4000-8000-000000000001"));
            Assert.That(message.ErrorCode, Is.Null);
        });
        AwsSnsTestContext.AssertSignedFor(request, AwsSnsTestContext.AccessKeyId, AwsSnsTestContext.SecretAccessKey, null, PhoneHubTestHost.Start);

        var stored = await t.Host.Get<ISmsService>().GetAsync(message.Id);
        Assert.That(stored!.ProviderMessageId, Is.EqualTo("7d2f4e1a-0000-4000-8000-000000000001"));
    }

    [Test]
    public async Task SendAsync_SessionCredentials_SendsAndSignsSecurityToken()
    {
        using var t = await AwsSnsTestContext.CreateAsync(
            ProviderCredentials.ForAws(AwsSnsTestContext.AccessKeyId, AwsSnsTestContext.SecretAccessKey, AwsSnsTestContext.SessionToken));
        t.Host.Time.Advance(TimeSpan.FromHours(13.5));

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
        AwsSnsTestContext.AssertSignedFor(t.Sns.Requests.Single(), AwsSnsTestContext.AccessKeyId, AwsSnsTestContext.SecretAccessKey,
            AwsSnsTestContext.SessionToken, PhoneHubTestHost.Start.AddHours(13.5));
    }

    [Test]
    public async Task SendAsync_PromotionalAndExplicitSenderId_UsesRequestSender()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.DefaultSmsType = AwsSmsType.Promotional);

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Sale", From = "Shop42" });

        var attributes = AwsSnsTestContext.Attributes(AwsSnsTestContext.Form(t.Sns.Requests.Single()));
        Assert.Multiple(() =>
        {
            Assert.That(attributes["AWS.SNS.SMS.SMSType"].Value, Is.EqualTo("Promotional"));
            Assert.That(attributes["AWS.SNS.SMS.SenderID"].Value, Is.EqualTo("Shop42"));
            Assert.That(attributes["AWS.MM.SMS.OriginationNumber"].Value, Is.EqualTo("+12065550100"));
            Assert.That(attributes, Does.Not.ContainKey("AWS.SNS.SMS.MaxPrice"));
            Assert.That(message.From, Is.EqualTo("+12065550100"));
        });
    }

    [Test]
    public async Task SendAsync_ExplicitNumberSender_UsesItAsOriginationNumber()
    {
        using var t = await AwsSnsTestContext.CreateAsync(config: c => c with { Settings = TestSettings.Of(("region", AwsSnsTestContext.Region)) });

        await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi", From = "+12065550123" });

        var attributes = AwsSnsTestContext.Attributes(AwsSnsTestContext.Form(t.Sns.Requests.Single()));
        Assert.Multiple(() =>
        {
            Assert.That(attributes["AWS.MM.SMS.OriginationNumber"].Value, Is.EqualTo("+12065550123"));
            Assert.That(attributes, Does.Not.ContainKey("AWS.SNS.SMS.SenderID"));
        });
    }

    [TestCase("InvalidParameter", 400)]
    [TestCase("OptedOut", 400)]
    [TestCase("AuthorizationError", 403)]
    [TestCase("InvalidClientTokenId", 403)]
    public async Task SendAsync_SnsErrorCode_StoresFailedMessageWithThatCode(string code, int status)
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(status, code, $"SNS says {code}");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo(code));
            Assert.That(message.ErrorMessage, Does.Contain($"SNS says {code}"));
            Assert.That(message.ProviderMessageId, Is.Null);
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(1), "a refused message is not retried");
        });
    }

    [Test]
    public async Task SendAsync_Throttling_LeavesMessageQueuedForLaterWithTheCode()
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(400, "Throttling", "Rate exceeded");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Queued), "SNS did not take it: it goes again after the pause");
            Assert.That(message.ErrorCode, Is.EqualTo("Throttling"));
            Assert.That(message.ProviderMessageId, Is.Null);
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_ServerError_StoresOutcomeUnknownAfterOneRequest()
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(500, "InternalError", "We encountered an internal error.");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(1), "never re-sent");
        });
    }

    [Test]
    public async Task SendAsync_DroppedConnection_StoresOutcomeUnknownAfterOneRequest()
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => LoopbackResponse.Dropped();

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(1), "never re-sent");
        });
    }

    [Test]
    public async Task SendAsync_NoAnswerWithinTimeout_StoresOutcomeUnknownAfterOneRequest()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.Timeout = TimeSpan.FromSeconds(1));
        t.Sns.Respond = (_, _) => LoopbackResponse.NoAnswer();

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo("outcome_unknown"));
            Assert.That(message.ErrorMessage, Does.Contain("timeout"));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(1), "never re-sent");
        });
    }

    [Test]
    public async Task SendAsync_SuccessWithoutMessageId_StoresOutcomeUnknown()
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => new LoopbackResponse(200, "<html>proxy</html>");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.That(message.ErrorCode, Is.EqualTo("outcome_unknown"));
    }

    [Test]
    public async Task SendAsync_TestModeConfig_NeverCallsSns()
    {
        using var t = await AwsSnsTestContext.CreateAsync(config: c => c with { TestMode = true });

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.IsTest, Is.True);
            Assert.That(message.Status, Is.Not.EqualTo(SmsStatus.Failed));
            Assert.That(t.Sns.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_NoStoredOrAmbientCredentials_FailsWithMissingCredentials()
    {
        using var t = await AwsSnsTestContext.CreateAsync(storeCredentials: false);

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo("missing_credentials"));
            Assert.That(t.Sns.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_NoStoredCredentials_SignsWithDefaultChainCredentials()
    {
        using var t = await AwsSnsTestContext.CreateAsync(storeCredentials: false);
        t.Ambient.GetAsync(Arg.Any<CancellationToken>())
            .Returns(Task.FromResult<AwsCredentials?>(new AwsCredentials("AKIDAMBIENT", "ambient-secret", "ambient-token") { Source = "default-chain" }));

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
        AwsSnsTestContext.AssertSignedFor(t.Sns.Requests.Single(), "AKIDAMBIENT", "ambient-secret", "ambient-token", PhoneHubTestHost.Start);
    }

    [Test]
    public async Task SendAsync_HalfAKeyPairStored_FailsWithoutCallingSns()
    {
        using var t = await AwsSnsTestContext.CreateAsync(new ProviderCredentials([new(ProviderCredentials.AwsAccessKeyId, "AKIDONLY")]));

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.ErrorCode, Is.EqualTo("missing_credentials"));
            Assert.That(t.Sns.Requests, Is.Empty);
            _ = t.Ambient.DidNotReceive().GetAsync(Arg.Any<CancellationToken>());
        });
    }

    [Test]
    public async Task SendAsync_MediaUrls_FailsWithoutCallingSns()
    {
        using var t = await AwsSnsTestContext.CreateAsync();

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi", MediaUrls = ["https://example.com/a.png"] });

        Assert.Multiple(() =>
        {
            Assert.That(message.ErrorCode, Is.EqualTo("media_not_supported"));
            Assert.That(t.Sns.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_SecretsEchoedBySns_NeverInLogsExceptionsOrStoredMessage()
    {
        using var t = await AwsSnsTestContext.CreateAsync(
            ProviderCredentials.ForAws(AwsSnsTestContext.AccessKeyId, AwsSnsTestContext.SecretAccessKey, AwsSnsTestContext.SessionToken));
        var echo = $"bad key {AwsSnsTestContext.SecretAccessKey} with token {AwsSnsTestContext.SessionToken}";
        t.Sns.Respond = (_, n) => n switch
        {
            1 => LoopbackResponse.Published("ok-1"),
            2 => LoopbackResponse.Error(400, "InvalidParameter", echo),
            3 => LoopbackResponse.Error(403, "SignatureDoesNotMatch", echo),
            _ => LoopbackResponse.Dropped(),
        };
        var sms = t.Host.Get<ISmsService>();
        var messages = new List<SmsMessage>();
        for (var i = 0; i < 4; i++)
        {
            messages.Add(await sms.SendAsync(new SendSmsRequest { To = To, Body = "Hi" }));
        }

        var configs = t.Host.Get<IPhoneConfigService>();
        var provider = t.Host.Get<IEnumerable<ISmsProvider>>().Single(p => p.Name == "aws");
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(400, "InvalidParameter", echo);
        var thrown = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await provider.SendAsync(new SmsSendRequest(99, To, "Hi", null, []), await configs.GetProviderContextAsync(t.Config)));
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(403, "InvalidClientTokenId", echo);
        var test = await configs.TestConnectionAsync(t.Config.Id);

        var everything = string.Join("\n", [
            .. t.Logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception} {string.Join(",", r.StructuredState ?? [])}"),
            .. messages.Select(m => $"{m.ErrorCode} {m.ErrorMessage}"),
            thrown!.ToString(),
            $"{test!.ErrorCode} {test.Message}",
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(messages.Select(m => m.ErrorCode), Is.EqualTo(new[] { null, "InvalidParameter", "SignatureDoesNotMatch", "outcome_unknown" }));
            Assert.That(t.Logs.Count, Is.GreaterThan(0), "logs were captured");
            Assert.That(everything, Does.Not.Contain(AwsSnsTestContext.SecretAccessKey));
            Assert.That(everything, Does.Not.Contain(AwsSnsTestContext.SessionToken));
        });
    }
}
