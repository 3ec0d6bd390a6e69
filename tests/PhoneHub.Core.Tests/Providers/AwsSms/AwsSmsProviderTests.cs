using System.Text.Json;
using NSubstitute;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;
using PhoneHub.Security;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>Sends through the <c>aws-sms</c> provider end to end: a real PhoneHub container against the loopback stand-in.</summary>
public sealed class AwsSmsProviderTests
{
    private const string To = "+14155552671";

    [Test]
    public async Task SendAsync_StoredCredentials_PostsSignedSendTextMessageWithPublishedFields()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o =>
        {
            o.MaxPrice = 0.5m;
            o.TimeToLive = TimeSpan.FromHours(1);
            o.ConfigurationSetName = "phonehub-events";
            o.ProtectConfigurationId = "protect-0123456789abcdef";
        });
        t.Aws.Respond = (_, _) => AwsSmsResponse.Sent("7d2f4e1a-0000-4000-8000-000000000001");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hello & welcome: é=+ 100% \"quoted\"" });

        var request = t.Aws.Requests.Single();
        var body = LoopbackAwsSms.Body(request);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("X-Amz-Target"), Is.EqualTo("PinpointSMSVoiceV2.SendTextMessage"));
            Assert.That(request.Header("Content-Type"), Is.EqualTo("application/x-amz-json-1.0"));
            Assert.That(request.Header("Host"), Is.EqualTo(t.Aws.Url.Authority));
            Assert.That(request.Header("X-Amz-Date"), Is.EqualTo("20260301T120000Z"), "signed at the fake clock's time");
            Assert.That(Names(body), Is.EquivalentTo(new[]
            {
                "DestinationPhoneNumber", "OriginationIdentity", "MessageBody", "MessageType", "ConfigurationSetName",
                "MaxPrice", "TimeToLive", "Context", "ProtectConfigurationId",
            }));
            Assert.That(body.GetProperty("DestinationPhoneNumber").GetString(), Is.EqualTo(To));
            Assert.That(body.GetProperty("OriginationIdentity").GetString(), Is.EqualTo(AwsSmsTestContext.OriginationNumber));
            Assert.That(body.GetProperty("MessageBody").GetString(), Is.EqualTo("Hello & welcome: é=+ 100% \"quoted\""));
            Assert.That(body.GetProperty("MessageType").GetString(), Is.EqualTo("TRANSACTIONAL"));
            Assert.That(body.GetProperty("ConfigurationSetName").GetString(), Is.EqualTo("phonehub-events"));
            Assert.That(body.GetProperty("MaxPrice").ValueKind, Is.EqualTo(JsonValueKind.String), "MaxPrice is a string in the model");
            Assert.That(body.GetProperty("MaxPrice").GetString(), Is.EqualTo("0.5"));
            Assert.That(body.GetProperty("TimeToLive").GetInt32(), Is.EqualTo(3600));
            Assert.That(body.GetProperty("Context").GetProperty("phonehub_message_id").GetString(), Is.EqualTo(message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(body.GetProperty("ProtectConfigurationId").GetString(), Is.EqualTo("protect-0123456789abcdef"));
            Assert.That(message.Provider, Is.EqualTo("aws-sms"));
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted), "AWS accepted the request; delivery events move it on");
            Assert.That(message.ProviderMessageId, Is.EqualTo("7d2f4e1a-0000-4000-8000-000000000001"));
            Assert.That(message.ErrorCode, Is.Null);
        });
        Assert.That(LoopbackAwsSms.SignatureProblems(request, new AwsCredentials(AwsSmsTestContext.AccessKeyId, AwsSmsTestContext.SecretAccessKey), AwsSmsTestContext.Region), Is.Empty);
    }

    [Test]
    public async Task SendAsync_SessionCredentialsLaterClock_SignsTokenAndDate()
    {
        using var t = await AwsSmsTestContext.CreateAsync(
            ProviderCredentials.ForAws(AwsSmsTestContext.AccessKeyId, AwsSmsTestContext.SecretAccessKey, AwsSmsTestContext.SessionToken));
        t.Host.Time.Advance(TimeSpan.FromHours(13.5));

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        var request = t.Aws.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(request.Header("X-Amz-Date"), Is.EqualTo("20260302T013000Z"));
            Assert.That(request.Header("X-Amz-Security-Token"), Is.EqualTo(AwsSmsTestContext.SessionToken));
            Assert.That(request.Header("Authorization"), Does.Contain("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"));
        });
    }

    [Test]
    public async Task SendAsync_NoStoredCredentials_SignsWithDefaultChainCredentials()
    {
        using var t = await AwsSmsTestContext.CreateAsync(storeCredentials: false);
        var ambient = new AwsCredentials("AKIDAMBIENT", "ambient-secret", "ambient-token") { Source = "default-chain" };
        t.Ambient.GetAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult<AwsCredentials?>(ambient));
        t.Aws.Credentials = ambient;

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(t.Aws.Requests.Single().Header("Authorization"), Does.StartWith("AWS4-HMAC-SHA256 Credential=AKIDAMBIENT/"));
        });
    }

    [Test]
    public async Task SendAsync_NoStoredOrAmbientCredentials_FailsWithMissingCredentialsWithoutCalling()
    {
        using var t = await AwsSmsTestContext.CreateAsync(storeCredentials: false);

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.MissingCredentials));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_HalfAKeyPairStored_FailsWithoutFallingBackOrCalling()
    {
        using var t = await AwsSmsTestContext.CreateAsync(new ProviderCredentials([new(ProviderCredentials.AwsAccessKeyId, "AKIDONLY")]));

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.MissingCredentials));
            Assert.That(t.Aws.Requests, Is.Empty);
            _ = t.Ambient.DidNotReceive().GetAsync(Arg.Any<CancellationToken>());
        });
    }

    [Test]
    public async Task SendAsync_ConfigSenderIdAndPromotional_SendsThemAndNoOptionalMembers()
    {
        using var t = await AwsSmsTestContext.CreateAsync(
            config: c => c.With((AwsSmsDefinition.OriginationNumber, null), (AwsSmsDefinition.OriginationIdentity, "PhoneHub")),
            options: o => o.MessageType = AwsSmsType.Promotional);

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Sale" });

        var body = LoopbackAwsSms.Body(t.Aws.Requests.Single());
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("OriginationIdentity").GetString(), Is.EqualTo("PhoneHub"));
            Assert.That(body.GetProperty("MessageType").GetString(), Is.EqualTo("PROMOTIONAL"));
            Assert.That(Names(body), Is.EquivalentTo(new[] { "DestinationPhoneNumber", "OriginationIdentity", "MessageBody", "MessageType", "Context" }));
            Assert.That(message.From, Is.EqualTo("PhoneHub"));
        });
    }

    [Test]
    public async Task SendAsync_NoSenderAnywhereAndNoMessageType_LetsAwsChoose()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.OriginationNumber, null)), options: o => o.MessageType = null);

        await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.That(Names(LoopbackAwsSms.Body(t.Aws.Requests.Single())), Is.EquivalentTo(new[] { "DestinationPhoneNumber", "MessageBody", "Context" }));
    }

    [Test]
    public async Task SendAsync_HostDefaultPoolAndExplicitSender_ExplicitSenderWins()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.OriginationNumber, null)),
            options: o => o.OriginationIdentity = "pool-0123456789abcdef0123456789abcdef");

        await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });
        await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi", From = "+12065550123" });

        var identities = t.Aws.Requests.Select(r => LoopbackAwsSms.Body(r).GetProperty("OriginationIdentity").GetString()).ToList();
        Assert.That(identities, Is.EqualTo(new[] { "pool-0123456789abcdef0123456789abcdef", "+12065550123" }));
    }

    [Test]
    public async Task SendAsync_DryRun_SendsDryRunAndStoresCanceledWithCode()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.DryRun = true);

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(LoopbackAwsSms.Body(t.Aws.Requests.Single()).GetProperty("DryRun").GetBoolean(), Is.True);
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Canceled));
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.DryRun));
            Assert.That(message.ProviderMessageId, Is.EqualTo("msg-1"));
        });
    }

    [Test]
    public async Task SendAsync_S3Media_PostsSendMediaMessage()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Sent("mms-1");

        var result = await t.Provider.SendAsync(new SmsSendRequest(42, To, "Look", null, ["s3://phonehub-media/cats/1.png"]), await t.ProviderContextAsync());

        var request = t.Aws.Requests.Single();
        var body = LoopbackAwsSms.Body(request);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("X-Amz-Target"), Is.EqualTo("PinpointSMSVoiceV2.SendMediaMessage"));
            Assert.That(body.GetProperty("MediaUrls").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "s3://phonehub-media/cats/1.png" }));
            Assert.That(body.GetProperty("OriginationIdentity").GetString(), Is.EqualTo(AwsSmsTestContext.OriginationNumber));
            Assert.That(body.GetProperty("Context").GetProperty("phonehub_message_id").GetString(), Is.EqualTo("42"));
            Assert.That(body.TryGetProperty("MessageType", out _), Is.False, "SendMediaMessage has no MessageType");
            Assert.That(result.ProviderMessageId, Is.EqualTo("mms-1"));
        });
    }

    [TestCase("https://example.com/a.png")]
    [TestCase("s3://UPPER/a.png")]
    [TestCase("s3://bucket/")]
    public async Task SendAsync_MediaAwsCannotTake_FailsWithoutCalling(string url)
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Look", null, [url]), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.MediaNotSupported));
            Assert.That(ex.OutcomeUnknown, Is.False);
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_TwoMediaFiles_FailsWithoutCalling()
    {
        using var t = await AwsSmsTestContext.CreateAsync();

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "", null, ["s3://bucket/a.png", "s3://bucket/b.png"]), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.MediaNotSupported));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_MediaWithoutOriginationIdentity_FailsAsInvalidConfig()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.OriginationNumber, null)));

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "", null, ["s3://bucket/a.png"]), await t.ProviderContextAsync()));

        Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.InvalidConfig));
    }

    [Test]
    public async Task SendAsync_ConfigWithoutRegion_FailsAsInvalidConfigWithoutCalling()
    {
        // An active config cannot be stored without a region; an inactive one can, and the provider still refuses it.
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.Region, null)) with { IsActive = false });

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.InvalidConfig));
            Assert.That(ex.Message, Does.Contain("setting region"));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_SenderWithSpace_FailsAsInvalidRequestWithoutCalling()
    {
        // SmsService refuses such a sender before storing (AwsSmsMediaAndSenderTests); the provider checks again for other callers.
        using var t = await AwsSmsTestContext.CreateAsync();

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", "My Shop", []), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.InvalidRequest));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    // One case per error shape of SendTextMessage in the service model, with the reasons PhoneHub tells apart.
    [TestCase(400, "ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT", AwsSmsErrorCodes.OptedOut)]
    [TestCase(400, "ConflictException", "DESTINATION_PHONE_NUMBER_NOT_VERIFIED", AwsSmsErrorCodes.DestinationNotVerified)]
    [TestCase(400, "ConflictException", "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION", AwsSmsErrorCodes.DestinationBlocked)]
    [TestCase(400, "ConflictException", "MESSAGE_TYPE_MISMATCH", AwsSmsErrorCodes.Conflict)]
    [TestCase(400, "ValidationException", "PRICE_OVER_THRESHOLD", AwsSmsErrorCodes.PriceOverMax)]
    [TestCase(400, "ValidationException", "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY", AwsSmsErrorCodes.InvalidRequest)]
    [TestCase(400, "ThrottlingException", null, AwsSmsErrorCodes.Throttled)]
    [TestCase(400, "ServiceQuotaExceededException", "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT", AwsSmsErrorCodes.QuotaExceeded)]
    [TestCase(400, "AccessDeniedException", null, AwsSmsErrorCodes.AccessDenied)]
    [TestCase(400, "AccessDeniedException", "ACCOUNT_DISABLED", AwsSmsErrorCodes.AccountInactive)]
    [TestCase(400, "ResourceNotFoundException", null, AwsSmsErrorCodes.ResourceNotFound)]
    [TestCase(400, "UnrecognizedClientException", null, AwsSmsErrorCodes.InvalidCredentials)]
    [TestCase(400, "InvalidSignatureException", null, AwsSmsErrorCodes.InvalidCredentials)]
    [TestCase(403, "SomethingNew", null, AwsSmsErrorCodes.InvalidCredentials)]
    [TestCase(400, "SomethingNew", null, AwsSmsErrorCodes.ProviderError)]
    public async Task SendAsync_AwsErrorShape_StoresFailedWithStableCodeAfterOneRequest(int status, string type, string? reason, string expected)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(status, type, $"AWS says {type}", reason,
            type == "ResourceNotFoundException" ? "\"ResourceType\":\"configuration-set\",\"ResourceId\":\"phonehub-events\"" : null);

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            // A throttle is "not now": the message stays queued for the dispatcher, which sends it after the pause.
            Assert.That(message.Status, Is.EqualTo(expected == AwsSmsErrorCodes.Throttled ? SmsStatus.Queued : SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo(expected));
            Assert.That(message.ErrorMessage, Does.Contain(type + (reason is null ? "" : $" ({reason})")));
            Assert.That(message.ProviderMessageId, Is.Null);
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(1), "a refused send is not retried");
        });
    }

    // What the dispatcher does next depends on these: Provider scope may fail over, a throttle waits and sends again.
    [TestCase("AccessDeniedException", null, SmsFailureScope.Provider, false)]
    [TestCase("UnrecognizedClientException", null, SmsFailureScope.Provider, false)]
    [TestCase("ServiceQuotaExceededException", "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT", SmsFailureScope.Provider, false)]
    [TestCase("ResourceNotFoundException", null, SmsFailureScope.Provider, false)]
    [TestCase("ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT", SmsFailureScope.Message, false)]
    [TestCase("ValidationException", "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY", SmsFailureScope.Message, false)]
    [TestCase("ThrottlingException", null, SmsFailureScope.Message, true)]
    public async Task SendAsync_Refusal_SaysWhetherTheMessageOrTheAccountWasRefused(string type, string? reason, SmsFailureScope scope, bool throttled)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(400, type, $"AWS says {type}", reason);

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Scope, Is.EqualTo(scope));
            Assert.That(ex.Throttled, Is.EqualTo(throttled));
            Assert.That(ex.OutcomeUnknown, Is.False);
        });
    }

    [Test]
    public async Task SendAsync_ValidationExceptionWithFields_NamesTheField()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(400, "ValidationException", "Invalid input", "FIELD_VALIDATION_FAILED",
            "\"Fields\":[{\"Name\":\"DestinationPhoneNumber\",\"Message\":\"not E.164\"}]");

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.InvalidRequest));
            Assert.That(message.ErrorMessage, Does.Contain("DestinationPhoneNumber").And.Contain("not E.164"));
        });
    }

    [Test]
    public async Task SendAsync_ErrorTypeOnlyInHeader_IsRead()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => new AwsSmsResponse(400, "{\"message\":\"Rate exceeded\"}",
            new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/" });

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.Throttled));
    }

    [TestCase(500, "InternalServerException")]
    [TestCase(503, "ServiceUnavailable")]
    public async Task SendAsync_ServerError_IsOutcomeUnknownAfterExactlyOneRequest(int status, string type)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(status, type, "We encountered an internal error.");

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), await t.ProviderContextAsync()));
        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.OutcomeUnknown));
            Assert.That(ex.OutcomeUnknown, Is.True);
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.OutcomeUnknown));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(2), "one request per send, never re-sent");
        });
    }

    [Test]
    public async Task SendAsync_NoAnswerUntilTimeout_IsOutcomeUnknownAfterExactlyOneRequest()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.Timeout = TimeSpan.FromSeconds(20));
        t.Aws.Respond = (_, _) => AwsSmsResponse.NoAnswer();
        var context = await t.ProviderContextAsync();

        var send = t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), context);
        await t.Aws.WaitForRequestsAsync();
        Assert.That(send.IsCompleted, Is.False, "still waiting for AWS");
        t.Host.Time.Advance(TimeSpan.FromSeconds(20));

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () => await send);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.OutcomeUnknown));
            Assert.That(ex.OutcomeUnknown, Is.True);
            Assert.That(ex.Message, Does.Contain("timeout"));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(1), "never re-sent");
        });
    }

    [Test]
    public async Task SendAsync_DroppedConnection_IsOutcomeUnknownAfterExactlyOneRequest()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Dropped();

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.OutcomeUnknown));
            Assert.That(ex.OutcomeUnknown, Is.True);
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(1), "never re-sent");
        });
    }

    [Test]
    public async Task SendAsync_ConnectionRefused_IsUnreachableAndDefinitelyNotSent()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.ServiceUrl = AwsSmsTestContext.RefusingUrl());

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), await t.ProviderContextAsync()));
        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.Unreachable));
            Assert.That(ex.OutcomeUnknown, Is.False, "nothing left this machine");
            Assert.That(message.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.Unreachable));
        });
    }

    [TestCase("<html>proxy</html>")]
    [TestCase("{}")]
    [TestCase("")]
    [TestCase("{\"MessageId\":42}")]
    public async Task SendAsync_SuccessWithoutReadableMessageId_IsOutcomeUnknown(string body)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Json(body);

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(1, To, "Hi", null, []), await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.OutcomeUnknown));
            Assert.That(ex.OutcomeUnknown, Is.True);
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_TestModeConfig_NeverCallsAws()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c with { TestMode = true });

        var message = await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });

        Assert.Multiple(() =>
        {
            Assert.That(message.IsTest, Is.True);
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task SendAsync_SecretsEchoedByAws_NeverInLogsExceptionsOrStoredMessages()
    {
        using var t = await AwsSmsTestContext.CreateAsync(
            ProviderCredentials.ForAws(AwsSmsTestContext.AccessKeyId, AwsSmsTestContext.SecretAccessKey, AwsSmsTestContext.SessionToken));
        var echo = $"bad key {AwsSmsTestContext.SecretAccessKey} with token {AwsSmsTestContext.SessionToken}";
        t.Aws.Respond = (_, n) => n switch
        {
            1 => AwsSmsResponse.Sent("ok-1"),
            2 => AwsSmsResponse.Error(400, "ValidationException", echo, "INVALID_PARAMETER"),
            3 => AwsSmsResponse.Error(400, "InvalidSignatureException", echo),
            4 => AwsSmsResponse.Error(500, "InternalServerException", echo),
            _ => AwsSmsResponse.Dropped(),
        };
        var sms = t.Host.Get<ISmsService>();
        var messages = new List<SmsMessage>();
        for (var i = 0; i < 5; i++)
        {
            messages.Add(await sms.SendAsync(new SendSmsRequest { To = To, Body = "Hi" }));
        }

        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(400, "ValidationException", echo);
        var thrown = Assert.ThrowsAsync<SmsProviderException>(async () =>
            await t.Provider.SendAsync(new SmsSendRequest(99, To, "Hi", null, []), await t.ProviderContextAsync()));
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(400, "UnrecognizedClientException", echo);
        var test = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        var everything = string.Join("\n", [
            .. t.Logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception} {string.Join(",", r.StructuredState ?? [])}"),
            .. messages.Select(m => $"{m.ErrorCode} {m.ErrorMessage}"),
            thrown!.ToString(),
            $"{test!.ErrorCode} {test.Message}",
        ]);
        Assert.Multiple(() =>
        {
            Assert.That(messages.Select(m => m.ErrorCode), Is.EqualTo(new[]
            {
                null, AwsSmsErrorCodes.InvalidRequest, AwsSmsErrorCodes.InvalidCredentials, AwsSmsErrorCodes.OutcomeUnknown, AwsSmsErrorCodes.OutcomeUnknown,
            }));
            Assert.That(test.ErrorCode, Is.EqualTo(ConnectionErrorCodes.InvalidCredentials));
            Assert.That(t.Logs.Count, Is.GreaterThan(0), "logs were captured");
            Assert.That(everything, Does.Not.Contain(AwsSmsTestContext.SecretAccessKey));
            Assert.That(everything, Does.Not.Contain(AwsSmsTestContext.SessionToken));
        });
    }

    [Test]
    public async Task SendAsync_TraceLogging_HttpClientFactoryLogsNothingOfItsOwn()
    {
        using var t = await AwsSmsTestContext.CreateAsync(
            ProviderCredentials.ForAws(AwsSmsTestContext.AccessKeyId, AwsSmsTestContext.SecretAccessKey, AwsSmsTestContext.SessionToken));

        await t.Host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = To, Body = "Hi" });
        await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        // The factory's default loggers would hand every header, the session token included, to structured sinks.
        Assert.That(t.Logs.GetSnapshot().Select(r => r.Category), Has.None.StartsWith("System.Net.Http.HttpClient"));
    }

    private static List<string> Names(JsonElement body) => [.. body.EnumerateObject().Select(p => p.Name)];
}
