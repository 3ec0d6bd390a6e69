using PhoneHub.Messaging;
using PhoneHub.Providers.AwsSms;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// Delivery events in the format AWS End User Messaging SMS documents (the SMS example event, and the same shape for
/// the other event types), as an SNS topic delivers them in the notification's Message, or EventBridge in its detail.
/// </summary>
public sealed class AwsSmsDeliveryEventsTests
{
    // The SMS example event of the AWS End User Messaging SMS user guide.
    private const string DocumentedExample = """
        {
            "eventType": "TEXT_SUCCESSFUL",
            "eventVersion": "1.0",
            "eventTimestamp": 1686975103470,
            "isFinal": true,
            "originationPhoneNumber": "+12065550152",
            "destinationPhoneNumber": "+14255550156",
            "isInternationalSend": false,
            "mcc": "310",
            "mnc": "800",
            "messageId": "862a8790-60c0-4430-9b2b-658bdexample",
            "messageRequestTimestamp": 1686975103170,
            "messageEncoding": "GSM",
            "messageType": "PROMOTIONAL",
            "messageStatus": "SUCCESSFUL",
            "messageStatusDescription": "Message has been accepted by phone carrier",
            "context": { "account": "bar" },
            "totalMessageParts": 1,
            "totalMessagePrice": 0.09582,
            "totalCarrierFee": 0.0
        }
        """;

    [Test]
    public void TryParse_DocumentedExample_ReadsEveryFieldAndMapsCarrierAcceptanceToSent()
    {
        Assert.That(AwsSmsDeliveryEvents.TryParse(DocumentedExample, out var e, out var error), Is.True, error);

        Assert.Multiple(() =>
        {
            Assert.That(e!.ProviderMessageId, Is.EqualTo("862a8790-60c0-4430-9b2b-658bdexample"));
            Assert.That(e.EventType, Is.EqualTo("TEXT_SUCCESSFUL"));
            Assert.That(e.MessageStatus, Is.EqualTo("SUCCESSFUL"));
            Assert.That(e.Status, Is.EqualTo(SmsStatus.Sent), "accepted by the carrier is not confirmed delivery");
            Assert.That(e.IsFinal, Is.True);
            Assert.That(e.ErrorCode, Is.Null);
            Assert.That(e.ErrorMessage, Is.Null);
            Assert.That(e.StatusDescription, Is.EqualTo("Message has been accepted by phone carrier"));
            Assert.That(e.Price, Is.EqualTo(0.09582m));
            Assert.That(e.CarrierFee, Is.EqualTo(0m));
            Assert.That(e.PriceUnit, Is.EqualTo("USD"));
            Assert.That(e.Segments, Is.EqualTo(1));
            Assert.That(e.EventTime, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1686975103470)));
            Assert.That(e.RequestTime, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1686975103170)));
            Assert.That(e.Context, Is.EqualTo(new Dictionary<string, string> { ["account"] = "bar" }));
            Assert.That(e.PhoneHubMessageId, Is.Null, "not sent by PhoneHub");
            Assert.That(e.Destination, Is.EqualTo("+14255550156"));
            Assert.That(e.Origination, Is.EqualTo("+12065550152"));
        });
    }

    [Test]
    public void TryParse_Delivered_MapsToDeliveredAndFindsPhoneHubMessageId()
    {
        var json = Event("TEXT_DELIVERED", "DELIVERED", "Message has been delivered", isFinal: true,
            context: """{ "phonehub_message_id": "1234" }""", price: "0.00581");

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(e.ErrorCode, Is.Null);
            Assert.That(e.PhoneHubMessageId, Is.EqualTo(1234));
            Assert.That(e.Price, Is.EqualTo(0.00581m));
            Assert.That(e.PriceUnit, Is.EqualTo("USD"));
        });
    }

    [Test]
    public void TryParse_FinalFailureWithReason_IsUndeliveredWithCodeAndAwsText()
    {
        var json = Event("TEXT_CARRIER_UNREACHABLE", "CARRIER_UNREACHABLE", "The carrier network is unreachable", isFinal: true);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(SmsStatus.Undelivered));
            Assert.That(e.IsFinal, Is.True);
            Assert.That(e.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.CarrierUnreachable));
            Assert.That(e.ErrorMessage, Is.EqualTo("The carrier network is unreachable"));
            Assert.That(e.Price, Is.Null);
            Assert.That(e.PriceUnit, Is.Null, "no price, no currency");
        });
    }

    [Test]
    public void TryParse_FailureAwsStillRetries_StaysInProgressWithTheReason()
    {
        var json = Event("TEXT_CARRIER_UNREACHABLE", "CARRIER_UNREACHABLE", "Temporary carrier error", isFinal: false);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(SmsStatus.Sending), "not final until AWS says so");
            Assert.That(e.IsFinal, Is.False);
            Assert.That(e.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.CarrierUnreachable));
        });
    }

    [Test]
    public void TryParse_Unknown_IsFailedWithDeliveryUnknownNeverDelivered()
    {
        var json = Event("TEXT_UNKNOWN", "UNKNOWN", "No final status was received from the carrier", isFinal: true);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(e.IsFinal, Is.True);
            Assert.That(e.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.DeliveryUnknown));
        });
    }

    [Test]
    public void TryParse_UnknownStatusAfter72HoursOnAnInProgressType_IsFailedWithDeliveryUnknown()
    {
        var json = Event("TEXT_PENDING", "UNKNOWN", "No final event within 72 hours", isFinal: true);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(e.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.DeliveryUnknown));
        });
    }

    // Every SMS event type AWS documents, and the MMS-only ones.
    [TestCase("TEXT_QUEUED", SmsStatus.Queued, null)]
    [TestCase("TEXT_PENDING", SmsStatus.Sending, null)]
    [TestCase("TEXT_SENT", SmsStatus.Sent, null)]
    [TestCase("TEXT_SUCCESSFUL", SmsStatus.Sent, null)]
    [TestCase("TEXT_DELIVERED", SmsStatus.Delivered, null)]
    [TestCase("TEXT_BLOCKED", SmsStatus.Undelivered, AwsSmsErrorCodes.Blocked)]
    [TestCase("TEXT_CARRIER_BLOCKED", SmsStatus.Undelivered, AwsSmsErrorCodes.CarrierBlocked)]
    [TestCase("TEXT_SPAM", SmsStatus.Undelivered, AwsSmsErrorCodes.Spam)]
    [TestCase("TEXT_UNREACHABLE", SmsStatus.Undelivered, AwsSmsErrorCodes.DestinationUnreachable)]
    [TestCase("TEXT_CARRIER_UNREACHABLE", SmsStatus.Undelivered, AwsSmsErrorCodes.CarrierUnreachable)]
    [TestCase("TEXT_INVALID", SmsStatus.Undelivered, AwsSmsErrorCodes.InvalidDestination)]
    [TestCase("TEXT_INVALID_MESSAGE", SmsStatus.Failed, AwsSmsErrorCodes.InvalidMessage)]
    [TestCase("TEXT_PROTECT_BLOCKED", SmsStatus.Failed, AwsSmsErrorCodes.ProtectBlocked)]
    [TestCase("TEXT_TTL_EXPIRED", SmsStatus.Failed, AwsSmsErrorCodes.TtlExpired)]
    [TestCase("TEXT_UNKNOWN", SmsStatus.Failed, AwsSmsErrorCodes.DeliveryUnknown)]
    [TestCase("MEDIA_DELIVERED", SmsStatus.Delivered, null)]
    [TestCase("MEDIA_FILE_INACCESSIBLE", SmsStatus.Failed, AwsSmsErrorCodes.MediaInaccessible)]
    [TestCase("MEDIA_FILE_TYPE_UNSUPPORTED", SmsStatus.Failed, AwsSmsErrorCodes.MediaTypeUnsupported)]
    [TestCase("MEDIA_FILE_SIZE_EXCEEDED", SmsStatus.Failed, AwsSmsErrorCodes.MediaTooLarge)]
    public void TryParse_EventType_MapsToStatusAndCode(string eventType, SmsStatus status, string? code)
    {
        var json = Event(eventType, eventType[(eventType.IndexOf('_') + 1)..], "description", isFinal: true);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(status));
            Assert.That(e.ErrorCode, Is.EqualTo(code));
        });
    }

    [TestCase("VOICE_COMPLETED")]
    [TestCase("RCS_DELIVERED")]
    [TestCase("TEXT_SOMETHING_NEWER")]
    public void TryParse_EventPhoneHubDoesNotMap_IsReadWithoutStatus(string eventType)
    {
        Assert.That(AwsSmsDeliveryEvents.TryParse(Event(eventType, "COMPLETED", "x", isFinal: true), out var e, out var error), Is.True, error);
        Assert.That(e!.Status, Is.Null);
    }

    [Test]
    public void TryParse_EventBridgeEnvelope_ReadsItsDetail()
    {
        var json = $$"""
            {
              "version": "0", "id": "5c0fa4f8-e4ba-ed02-6101-c795472fccd0", "detail-type": "Text Message Delivery Status Updated",
              "source": "aws.sms-voice", "account": "111122223333", "time": "2025-10-01T18:20:41Z", "region": "us-east-1", "resources": [],
              "detail": {{Event("TEXT_DELIVERED", "DELIVERED", "delivered", isFinal: true)}}
            }
            """;

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.That(e!.Status, Is.EqualTo(SmsStatus.Delivered));
    }

    [Test]
    public void TryParse_SnsEnvelope_IsRefusedSoItsSignatureIsCheckedFirst()
    {
        var json = """{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"{\"eventType\":\"TEXT_DELIVERED\",\"messageId\":\"x\"}","Timestamp":"2026-03-01T12:00:00Z","SignatureVersion":"2","Signature":"s","SigningCertURL":"https://sns.us-east-1.amazonaws.com/c.pem"}""";

        Assert.Multiple(() =>
        {
            Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.False);
            Assert.That(error, Does.Contain("SNS envelope"));
        });
    }

    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("null")]
    [TestCase("{}")]
    [TestCase("""{"eventType":"TEXT_DELIVERED"}""")]
    [TestCase("""{"messageId":"x"}""")]
    [TestCase("""{"eventType":"TEXT_DELIVERED","messageId":"x","context":{"a":1}}""")]
    public void TryParse_NotAnEvent_FailsWithReason(string json)
    {
        Assert.Multiple(() =>
        {
            Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.False);
            Assert.That(e, Is.Null);
            Assert.That(error, Is.Not.Empty);
        });
    }

    [Test]
    public void TryParse_LongDescription_IsBounded()
    {
        var json = Event("TEXT_BLOCKED", "BLOCKED", new string('x', 5000), isFinal: true);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.True, error);
        Assert.That(e!.ErrorMessage!.Length, Is.LessThanOrEqualTo(301));
    }

    [TestCase("{\"eventType\":\"TEXT_DELIVERED\",\"messageId\":\"\\ud800\"}")]
    [TestCase("{\"eventType\":\"TEXT_DELIVERED\",\"messageId\":\"x\",\"context\":{\"k\":\"\\udc00\"}}")]
    [TestCase("{\"eventType\":\"TEXT_DELIVERED\",\"messageId\":\"x\",\"context\":{\"\\ud800\":\"v\"}}")]
    public void TryParse_StringThatIsNotUnicode_FailsWithReason(string json)
    {
        Assert.Multiple(() =>
        {
            Assert.That(AwsSmsDeliveryEvents.TryParse(json, out var e, out var error), Is.False);
            Assert.That(error, Does.Contain("Unicode"));
        });
    }

    [Test]
    public void TryParse_RawLoneSurrogate_FailsWithReason()
    {
        // Built at run time: an attribute argument cannot hold a lone surrogate (metadata stores it as UTF-8).
        var json = "{\"eventType\":\"TEXT_DELIVERED\",\"messageId\":\"x" + (char)0xD800 + "\"}";

        Assert.Multiple(() =>
        {
            Assert.That(AwsSmsDeliveryEvents.TryParse(json, out _, out var error), Is.False);
            Assert.That(error, Does.Contain("Unicode"));
        });
    }

    [Test]
    public void TryParse_MessageIdLongerThanAnyAwsId_Fails()
    {
        var json = Event("TEXT_DELIVERED", "DELIVERED", "d", isFinal: true).Replace("ed23196c-75ce-4727-93ee-7bf72b64998f", new string('a', 257), StringComparison.Ordinal);

        Assert.That(AwsSmsDeliveryEvents.TryParse(json, out _, out var error), Is.False, error);
    }

    [Test]
    public void ToStatusReport_Delivered_ReportsStatusPriceWithCarrierFeeAndTheVouchingConfig()
    {
        Assert.That(AwsSmsDeliveryEvents.TryParse(Event("TEXT_DELIVERED", "DELIVERED", "d", isFinal: true, price: "0.00581"), out var e, out var error), Is.True, error);

        var report = e!.ToStatusReport(configId: 7);

        Assert.That(report, Is.EqualTo(new SmsStatusReport
        {
            Provider = "aws-sms",
            ProviderMessageId = "ed23196c-75ce-4727-93ee-7bf72b64998f",
            Status = SmsStatus.Delivered,
            Price = 0.00883m,
            PriceUnit = "USD",
            ConfigId = 7,
        }));
    }

    [Test]
    public void ToStatusReport_FinalFailure_CarriesCodeAndText()
    {
        Assert.That(AwsSmsDeliveryEvents.TryParse(Event("TEXT_SPAM", "SPAM", "Carrier flagged it as spam", isFinal: true), out var e, out var error), Is.True, error);

        var report = e!.ToStatusReport();

        Assert.Multiple(() =>
        {
            Assert.That(report!.Status, Is.EqualTo(SmsStatus.Undelivered));
            Assert.That(report.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.Spam));
            Assert.That(report.ErrorMessage, Is.EqualTo("Carrier flagged it as spam"));
            Assert.That(report.Price, Is.Null);
            Assert.That(report.PriceUnit, Is.Null);
            Assert.That(report.ConfigId, Is.Null);
        });
    }

    [Test]
    public void ToStatusReport_FailureAwsStillRetries_InProgressWithoutTheReason()
    {
        Assert.That(AwsSmsDeliveryEvents.TryParse(Event("TEXT_CARRIER_UNREACHABLE", "CARRIER_UNREACHABLE", "Temporary", isFinal: false), out var e, out var error), Is.True, error);

        var report = e!.ToStatusReport();

        Assert.Multiple(() =>
        {
            Assert.That(report!.Status, Is.EqualTo(SmsStatus.Sending));
            Assert.That(report.ErrorCode, Is.Null, "a delivered message must not keep a reason from a retried attempt");
            Assert.That(report.ErrorMessage, Is.Null);
        });
    }

    [Test]
    public void ToStatusReport_EventPhoneHubDoesNotMap_IsNull()
    {
        Assert.That(AwsSmsDeliveryEvents.TryParse(Event("VOICE_COMPLETED", "COMPLETED", "x", isFinal: true), out var e, out var error), Is.True, error);
        Assert.That(e!.ToStatusReport(3), Is.Null);
    }

    /// <summary>An event of the documented shape with the given type, status and finality.</summary>
    private static string Event(string eventType, string status, string description, bool isFinal, string context = "{}", string? price = null) => $$"""
        {
            "eventType": "{{eventType}}",
            "eventVersion": "1.0",
            "eventTimestamp": 1772366400000,
            "isFinal": {{(isFinal ? "true" : "false")}},
            "originationPhoneNumber": "+12065550100",
            "destinationPhoneNumber": "+14155552671",
            "isoCountryCode": "US",
            "isInternationalSend": false,
            "mcc": "310",
            "mnc": "800",
            "carrierName": "Example Carrier",
            "messageId": "ed23196c-75ce-4727-93ee-7bf72b64998f",
            "messageRequestTimestamp": 1772366399000,
            "messageEncoding": "GSM",
            "messageType": "TRANSACTIONAL",
            "messageStatus": "{{status}}",
            "messageStatusDescription": "{{description}}",
            "context": {{context}},
            "totalMessageParts": 1{{(price is null ? "" : $",\n    \"totalMessagePrice\": {price},\n    \"totalCarrierFee\": 0.00302")}}
        }
        """;
}
