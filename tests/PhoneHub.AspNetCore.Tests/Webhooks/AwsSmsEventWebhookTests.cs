using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>
/// Delivery receipts of AWS End User Messaging SMS through the SNS webhook: a configuration set's event destination
/// publishes each event to an SNS topic an <c>aws-sms</c> config owns. Messages are sent through the real provider (to a
/// stand-in), events are shaped as AWS documents them and signed like every SNS notification in these tests.
/// </summary>
public sealed class AwsSmsEventWebhookTests
{
    private const string Path = WebhookTestHost.Prefix + "/sms/webhook/aws";
    private const string CertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    private const string TopicA = "arn:aws:sns:us-east-1:111122223333:tenant-a-sms-events";
    private const string TopicB = "arn:aws:sns:us-east-1:444455556666:tenant-b-sms-events";
    private const string NumberA = "+12065550152";
    private const string NumberB = "+12065550153";
    private const string Recipient = "+14255550156";

    private static readonly DateTimeOffset SentAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<WebhookTestHost> StartAsync(IInboundSmsHandler? handler = null)
    {
        var host = await WebhookTestHost.StartAsync(handler: handler);
        host.Sns.ServeCertificate(CertUrl, TestSnsCertificate.Pem);
        await host.AddAwsSmsConfigAsync("tenant-a", NumberA, TopicA);
        await host.AddAwsSmsConfigAsync("tenant-b", NumberB, TopicB);
        return host;
    }

    /// <summary>Sends through tenant's aws-sms config; the stand-in accepts it with an id of its own.</summary>
    private static async Task<SmsMessage> SendAsync(WebhookTestHost host, string group)
    {
        var message = await host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = Recipient, Body = "Your code is 123456" }, group);
        Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted), message.ErrorMessage);
        return message;
    }

    /// <summary>
    /// An event in the format of the SMS example event of the AWS End User Messaging SMS user guide, for one of our messages:
    /// its id, and the Context PhoneHub sent (<c>phonehub_message_id</c>).
    /// </summary>
    private static string Event(string eventType, string status, string description, string messageId, long? phoneHubId = null,
        bool isFinal = true, decimal? price = null, decimal? carrierFee = null, string from = NumberA)
    {
        var e = new JsonObject
        {
            ["eventType"] = eventType,
            ["eventVersion"] = "1.0",
            ["eventTimestamp"] = 1686975103470,
            ["isFinal"] = isFinal,
            ["originationPhoneNumber"] = from,
            ["destinationPhoneNumber"] = Recipient,
            ["isInternationalSend"] = false,
            ["mcc"] = "310",
            ["mnc"] = "800",
            ["messageId"] = messageId,
            ["messageRequestTimestamp"] = 1686975103170,
            ["messageEncoding"] = "GSM",
            ["messageType"] = "TRANSACTIONAL",
            ["messageStatus"] = status,
            ["messageStatusDescription"] = description,
            ["context"] = phoneHubId is { } id ? new JsonObject { ["phonehub_message_id"] = id.ToString(CultureInfo.InvariantCulture) } : new JsonObject(),
            ["totalMessageParts"] = 1,
        };
        if (price is { } p)
        {
            e["totalMessagePrice"] = p;
            e["totalCarrierFee"] = carrierFee ?? 0m;
        }

        return e.ToJsonString();
    }

    private static string Delivered(SmsMessage message) =>
        Event("TEXT_DELIVERED", "DELIVERED", "Message has been delivered", message.ProviderMessageId!, message.Id, price: 0.00581m, carrierFee: 0.00302m);

    private static Dictionary<string, string> Notification(string message, string topicArn = TopicA) => SnsTestSigning.Sign(new()
    {
        ["Type"] = "Notification",
        ["MessageId"] = Guid.NewGuid().ToString(),
        ["TopicArn"] = topicArn,
        ["Message"] = message,
        ["Timestamp"] = "2026-03-01T12:00:00.000Z",
        ["SigningCertURL"] = CertUrl,
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":1",
    });

    private static async Task<HttpStatusCode> PostAsync(WebhookTestHost host, Dictionary<string, string> envelope)
    {
        using var response = await SnsTestSigning.PostAsync(host, Path, envelope);
        return response.StatusCode;
    }

    private static async Task<SmsMessage> ReloadAsync(WebhookTestHost host, SmsMessage message) =>
        (await host.Get<ISmsService>().GetAsync(message.Id))!;

    [Test]
    public async Task Event_Delivered_MovesOwnMessageToDeliveredWithPrice()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");

        var status = await PostAsync(host, Notification(Delivered(message)));

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(stored.DeliveredAt, Is.Not.Null);
            Assert.That(stored.Price, Is.EqualTo(0.00883m), "totalMessagePrice plus totalCarrierFee");
            Assert.That(stored.PriceUnit, Is.EqualTo("USD"));
            Assert.That(stored.ErrorCode, Is.Null);
            Assert.That(host.AwsSms.Actions, Is.EqualTo(new[] { "PinpointSMSVoiceV2.SendTextMessage" }));
        });
    }

    [Test]
    public async Task Event_DocumentedCarrierAcceptance_MovesToSentNotDelivered()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");

        var status = await PostAsync(host, Notification(Event("TEXT_SUCCESSFUL", "SUCCESSFUL", "Message has been accepted by phone carrier",
            message.ProviderMessageId!, message.Id, price: 0.09582m)));

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(stored.Price, Is.EqualTo(0.09582m));
        });
    }

    [TestCase("TEXT_CARRIER_UNREACHABLE", "CARRIER_UNREACHABLE", "The carrier network is unreachable", SmsStatus.Undelivered, "carrier_unreachable")]
    [TestCase("TEXT_BLOCKED", "BLOCKED", "The destination phone number has blocked the message", SmsStatus.Undelivered, "blocked")]
    [TestCase("TEXT_TTL_EXPIRED", "TTL_EXPIRED", "The message could not be delivered within its time to live", SmsStatus.Failed, "ttl_expired")]
    [TestCase("TEXT_UNKNOWN", "UNKNOWN", "No final status was received from the carrier", SmsStatus.Failed, "delivery_unknown")]
    public async Task Event_FinalFailureWithReason_StoresStatusCodeAndAwsText(string eventType, string awsStatus, string description, SmsStatus expected, string code)
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");

        var status = await PostAsync(host, Notification(Event(eventType, awsStatus, description, message.ProviderMessageId!, message.Id)));

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored.Status, Is.EqualTo(expected));
            Assert.That(stored.ErrorCode, Is.EqualTo(code));
            Assert.That(stored.ErrorMessage, Is.EqualTo(description));
        });
    }

    [Test]
    public async Task Event_FailureAwsStillRetriesThenDelivered_EndsDeliveredWithoutTheTemporaryReason()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");

        var retrying = await PostAsync(host, Notification(Event("TEXT_CARRIER_UNREACHABLE", "CARRIER_UNREACHABLE", "Temporary carrier error",
            message.ProviderMessageId!, message.Id, isFinal: false)));
        var whileRetrying = await ReloadAsync(host, message);
        await PostAsync(host, Notification(Delivered(message)));

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(retrying, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(whileRetrying.Status, Is.EqualTo(SmsStatus.Sending));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(stored.ErrorCode, Is.Null);
        });
    }

    [Test]
    public async Task Event_EveryOrderOfPendingSuccessfulDelivered_EndsDelivered()
    {
        string[][] orders =
        [
            ["PENDING", "SUCCESSFUL", "DELIVERED"], ["PENDING", "DELIVERED", "SUCCESSFUL"], ["SUCCESSFUL", "PENDING", "DELIVERED"],
            ["SUCCESSFUL", "DELIVERED", "PENDING"], ["DELIVERED", "PENDING", "SUCCESSFUL"], ["DELIVERED", "SUCCESSFUL", "PENDING"],
        ];
        await using var host = await StartAsync();
        foreach (var order in orders)
        {
            var message = await SendAsync(host, "tenant-a");
            foreach (var kind in order)
            {
                Assert.That(await PostAsync(host, Notification(Event("TEXT_" + kind, kind, "x", message.ProviderMessageId!, message.Id, isFinal: kind == "DELIVERED"))),
                    Is.EqualTo(HttpStatusCode.OK));
            }

            Assert.That((await ReloadAsync(host, message)).Status, Is.EqualTo(SmsStatus.Delivered), string.Join(" -> ", order));
        }
    }

    [Test]
    public async Task Event_LateFailureAfterDelivered_Ignored()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");
        await PostAsync(host, Notification(Delivered(message)));

        var late = await PostAsync(host, Notification(Event("TEXT_CARRIER_UNREACHABLE", "CARRIER_UNREACHABLE", "late", message.ProviderMessageId!, message.Id)));

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(late, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Delivered), "final stays final");
            Assert.That(stored.ErrorCode, Is.Null);
        });
    }

    [Test]
    public async Task Event_DeliveredManyTimes_OneChangeSamePrice()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");
        var envelope = Notification(Delivered(message));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(host, envelope)));
        var again = await PostAsync(host, envelope);

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(again, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(stored.Price, Is.EqualTo(0.00883m));
            Assert.That(host.Logs.Lines.Count(l => l.Contains("[519]", StringComparison.Ordinal) && l.Contains("Updated", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Event_BeforeTheSendStoredTheId_KeptAndAppliedWhenItIs()
    {
        await using var host = await StartAsync();
        host.AwsSms.HoldAnswers = true;

        // AWS has the message (and its events flow) while the send has not stored the id yet.
        var send = host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = Recipient, Body = "Your code is 123456" }, "tenant-a");
        await host.AwsSms.Arrived.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var early = await PostAsync(host, Notification(Event("TEXT_DELIVERED", "DELIVERED", "Message has been delivered", "aws-msg-1", price: 0.00581m)));
        host.AwsSms.Release();
        var message = await send;

        Assert.Multiple(() =>
        {
            Assert.That(early, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(message.ProviderMessageId, Is.EqualTo("aws-msg-1"));
            Assert.That(message.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(message.Price, Is.EqualTo(0.00581m));
        });
    }

    [Test]
    public async Task Event_ForAnotherTenantsMessage_RefusedAndMessageUnchanged()
    {
        await using var host = await StartAsync();
        var theirs = await SendAsync(host, "tenant-b");

        // Tenant A's topic is owned and signed, but the event names tenant B's message.
        var status = await PostAsync(host, Notification(Event("TEXT_BLOCKED", "BLOCKED", "forged", theirs.ProviderMessageId!, theirs.Id), TopicA));

        var stored = await ReloadAsync(host, theirs);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(stored.ErrorCode, Is.Null);
            Assert.That(stored.Modified, Is.EqualTo(theirs.Modified));
        });
    }

    [Test]
    public async Task Event_FromATopicNoConfigOwns_RefusedBeforeAnythingIsFetchedOrChanged()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");

        var status = await PostAsync(host, Notification(Delivered(message), "arn:aws:sns:us-east-1:999999999999:attacker-events"));

        var stored = await ReloadAsync(host, message);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(stored.Status, Is.EqualTo(SmsStatus.Accepted));
            Assert.That(host.Sns.Requests, Is.Empty, "not even the certificate was fetched");
        });
    }

    [Test]
    public async Task Event_SignatureBroken_RefusedAndMessageUnchanged()
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");
        var envelope = Notification(Event("TEXT_PENDING", "PENDING", "x", message.ProviderMessageId!, message.Id, isFinal: false));
        envelope["Message"] = Delivered(message);

        var status = await PostAsync(host, envelope);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await ReloadAsync(host, message)).Status, Is.EqualTo(SmsStatus.Accepted));
    }

    [Test]
    public async Task Event_ForAnIdNoMessageHasYet_OkAndKeptForThatIdOnly()
    {
        await using var host = await StartAsync();

        var status = await PostAsync(host, Notification(Event("TEXT_DELIVERED", "DELIVERED", "x", "not-sent-yet")));

        var kept = await host.Get<ISmsStore>().TakePendingStatusesAsync(PhoneProviders.AwsSms, "not-sent-yet");
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(kept.Select(r => r.Status), Is.EqualTo(new[] { SmsStatus.Delivered }));
        });
    }

    [TestCase("VOICE_COMPLETED", "COMPLETED")]
    [TestCase("RCS_DELIVERED", "DELIVERED")]
    [TestCase("TEXT_SOMETHING_NEWER", "SOMETHING_NEWER")]
    public async Task Event_TypePhoneHubDoesNotTrack_OkAndUnchanged(string eventType, string awsStatus)
    {
        await using var host = await StartAsync();
        var message = await SendAsync(host, "tenant-a");

        var status = await PostAsync(host, Notification(Event(eventType, awsStatus, "x", message.ProviderMessageId!, message.Id)));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReloadAsync(host, message)).Modified, Is.EqualTo(message.Modified));
    }

    [TestCase("""{"eventType":"TEXT_DELIVERED"}""")]
    [TestCase("""{"eventType":"TEXT_DELIVERED","messageId":"x","context":{"phonehub_message_id":7}}""")]
    [TestCase("""{"eventType":"TEXT_DELIVERED","messageId":"\ud800"}""")]
    [TestCase("""{"eventType":"TEXT_DELIVERED","messageId":"x","isFinal":"yes"}""")]
    public async Task Event_Malformed_Answers400WithoutDetails(string message)
    {
        await using var host = await StartAsync();

        using var response = await SnsTestSigning.PostAsync(host, Path, Notification(message));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
            Assert.That(text, Does.Not.Match(@"\bat [A-Z][\w.]+[.(]").And.Not.Contain("Exception"));
        });
    }

    [Test]
    public async Task Event_OnTheTopicOfAnSnsConfig_RefusedAndNothingKept()
    {
        await using var host = await StartAsync();
        const string snsTopic = "arn:aws:sns:us-east-1:111122223333:sns-inbound";
        await host.AddAwsConfigAsync("tenant-sns", "+12065550154", snsTopic);

        var status = await PostAsync(host, Notification(Event("TEXT_DELIVERED", "DELIVERED", "x", "sns-config-event"), snsTopic));

        Assert.Multiple(async () =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await host.Get<ISmsStore>().TakePendingStatusesAsync(PhoneProviders.AwsSms, "sns-config-event"), Is.Empty);
        });
    }

    [Test]
    public async Task Event_ForASendWithUnknownOutcome_NamedByContextLoggedAndMessageUnchanged()
    {
        await using var host = await StartAsync();

        // As a timed-out send leaves it: failed, outcome unknown, no provider id.
        var lost = await host.Get<ISmsStore>().InsertAsync(new SmsMessage
        {
            Group = "tenant-a", ConfigId = (await host.Get<IPhoneConfigService>().ResolveAsync("tenant-a")).Id, To = Recipient, Body = "Your code",
            Provider = PhoneProviders.AwsSms, Status = SmsStatus.Failed, ErrorCode = "outcome_unknown",
            Created = SentAt, Modified = SentAt,
        });

        var status = await PostAsync(host, Notification(Event("TEXT_DELIVERED", "DELIVERED", "x", "aws-id-never-stored", lost.Id)));

        var stored = await host.Get<ISmsService>().GetAsync(lost.Id);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored!.Status, Is.EqualTo(SmsStatus.Failed), "Core matches reports by provider id only");
            Assert.That(host.Logs.Lines.Where(l => l.Contains("[520]", StringComparison.Ordinal)).Single(), Does.Contain($"MessageId={lost.Id}"));
        });
    }

    [Test]
    public async Task Event_ContextNamesAnotherTenantsLostMessage_NothingLogged()
    {
        await using var host = await StartAsync();
        var lost = await host.Get<ISmsStore>().InsertAsync(new SmsMessage
        {
            Group = "tenant-b", To = Recipient, Body = "x", Provider = PhoneProviders.AwsSms, Status = SmsStatus.Failed, ErrorCode = "outcome_unknown",
            Created = SentAt, Modified = SentAt,
        });

        var status = await PostAsync(host, Notification(Event("TEXT_DELIVERED", "DELIVERED", "x", "aws-id-other", lost.Id), TopicA));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(host.Logs.Lines.Where(l => l.Contains("[520]", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task Inbound_TwoWaySmsOnAnAwsSmsConfigsTopic_StoredForThatConfigAndRepliedThroughIt()
    {
        var handler = new RecordingInboundHandler("Thanks");
        await using var host = await StartAsync(handler);
        var inbound = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["originationNumber"] = Recipient,
            ["destinationNumber"] = NumberA,
            ["messageKeyword"] = "KEYWORD_111122223333",
            ["messageBody"] = "HELP",
            ["inboundMessageId"] = "cae173d2-66b9-564c-8309-21f858e9fb84",
            ["previousPublishedMessageId"] = "wJ0z5ZwhFwsDXuDzkz3uuGlYKuH2Hq2O",
        });

        var status = await PostAsync(host, Notification(inbound));

        var stored = await host.Get<ISmsService>().FindByProviderIdAsync(PhoneProviders.AwsSms, "cae173d2-66b9-564c-8309-21f858e9fb84");
        var replies = await host.Get<ISmsService>().ListAsync(new SmsQuery { Group = "tenant-a", Direction = SmsDirection.Outbound });
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stored!.Group, Is.EqualTo("tenant-a"));
            Assert.That(stored.Direction, Is.EqualTo(SmsDirection.Inbound));
            Assert.That(stored.Body, Is.EqualTo("HELP"));
            Assert.That(handler.Calls, Is.EqualTo(1));
            Assert.That(replies.Items.Select(m => (m.To, m.From, m.Provider, m.Status)), Is.EqualTo(new[] { (Recipient, NumberA, "aws-sms", SmsStatus.Accepted) }));
            Assert.That(host.AwsSms.Actions, Is.EqualTo(new[] { "PinpointSMSVoiceV2.SendTextMessage" }));
        });
    }

    [Test]
    public async Task Inbound_ToAnotherTenantsNumberOnMyTopic_Refused()
    {
        await using var host = await StartAsync();
        var inbound = $$"""{"originationNumber":"{{Recipient}}","destinationNumber":"{{NumberB}}","messageBody":"hi","inboundMessageId":"cross-aws-sms"}""";

        var status = await PostAsync(host, Notification(inbound, TopicA));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await host.CountRowsAsync(PhoneProviders.AwsSms, "cross-aws-sms"), Is.Zero);
    }
}
