using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PhoneHub.AspNetCore.Tests.Webhooks;
using PhoneHub.Diagnostics;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Messaging.Dispatch;

namespace PhoneHub.AspNetCore.Tests.Diagnostics;

/// <summary>
/// The README's OpenTelemetry lines (<c>AddSource(PhoneHubTelemetry.ActivitySourceName, "Microsoft.AspNetCore")</c>,
/// <c>AddMeter(PhoneHubTelemetry.MeterName)</c>) in a real web host, with the SDK's in-memory exporters: the spans and
/// metrics the README names arrive, with their tags.
/// </summary>
public sealed class OpenTelemetryExportTests
{
    private const string AwsPath = WebhookTestHost.Prefix + "/sms/webhook/aws";
    private const string TwilioInboundPath = WebhookTestHost.Prefix + "/sms/webhook/twilio";
    private const string CertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    private const string Topic = "arn:aws:sns:us-east-1:111122223333:tenant-a-sms-events";
    private const string Number = "+12065550152";
    private const string Recipient = "+14255550156";

    [Test]
    public async Task SendLookupWebhooksAndQueue_WithReadmeLines_ExportNamedSpansAndMetrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        await using var host = await WebhookTestHost.StartAsync(configureServices: services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(PhoneHubTelemetry.ActivitySourceName, "Microsoft.AspNetCore").AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddMeter(PhoneHubTelemetry.MeterName).AddInMemoryExporter(metrics)));
        host.Sns.ServeCertificate(CertUrl, TestSnsCertificate.Pem);
        await host.AddAwsSmsConfigAsync("tenant-a", Number, Topic);

        // A send (dispatch and provider call), a lookup answered from metadata (aws-sms has no lookup API), a delivery
        // event with a price through the SNS webhook, and a Twilio webhook without a signature.
        var message = await host.Get<ISmsService>().SendAsync(new SendSmsRequest { To = Recipient, Body = "Your code is 123456" }, "tenant-a");
        Assert.That(message.Status, Is.EqualTo(SmsStatus.Accepted), message.ErrorMessage);
        await host.Get<IPhoneLookupService>().LookupAsync(Recipient, group: "tenant-a");
        using (var delivered = await SnsTestSigning.PostAsync(host, AwsPath, Notification(DeliveredEvent(message))))
        {
            Assert.That(delivered.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (var unsigned = await host.Client.SendAsync(TwilioWebhookTests.Signed("http://localhost" + TwilioInboundPath, TwilioWebhookTests.InboundForm("SM00000000000000000000000000000e01"), token: null)))
        {
            Assert.That(unsigned.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        await host.Get<SmsQueueMonitor>().RefreshAsync(CancellationToken.None);
        Assert.That(host.Services.GetRequiredService<TracerProvider>().ForceFlush(), Is.True);
        Assert.That(host.Services.GetRequiredService<MeterProvider>().ForceFlush(), Is.True);

        Assert.Multiple(() =>
        {
            var dispatch = Single(spans, PhoneHubTelemetry.DispatchActivity);
            Assert.That(dispatch.GetTagItem("phonehub.message_id"), Is.EqualTo(message.Id));
            var send = Single(spans, PhoneHubTelemetry.ProviderSendActivity);
            Assert.That(send.GetTagItem("phonehub.provider"), Is.EqualTo("aws-sms"));
            Assert.That(send.ParentSpanId, Is.EqualTo(dispatch.SpanId), "the provider call is part of the dispatch");

            Assert.That(Single(spans, PhoneHubTelemetry.LookupActivity).GetTagItem(PhoneHubTelemetry.LookupTierTag), Is.EqualTo("metadata"));

            var webhooks = spans.Where(s => s.OperationName == PhoneHubTelemetry.WebhookActivity).ToList();
            Assert.That(webhooks.Select(s => (s.GetTagItem("phonehub.provider"), s.GetTagItem(PhoneHubTelemetry.WebhookOutcomeTag))),
                Is.EquivalentTo(new[] { ((object?)"aws", (object?)"updated"), ("twilio", "invalid_signature") }));
            Assert.That(webhooks.Select(s => s.Parent?.OperationName), Has.All.EqualTo("Microsoft.AspNetCore.Hosting.HttpRequestIn"), "webhook spans are children of the request's span");

            Assert.That(Sum(metrics, PhoneHubTelemetry.SmsSent, "phonehub.provider", "aws-sms"), Is.EqualTo(1));
            Assert.That(Sum(metrics, PhoneHubTelemetry.SmsCost, "phonehub.currency", "USD"), Is.EqualTo(0.00883).Within(1e-9), "price plus carrier fee");
            Assert.That(Sum(metrics, PhoneHubTelemetry.LookupRequests, "phonehub.lookup.source", "metadata"), Is.EqualTo(1));
            Assert.That(Sum(metrics, PhoneHubTelemetry.WebhookRequests, PhoneHubTelemetry.WebhookOutcomeTag, "updated"), Is.EqualTo(1));
            Assert.That(Sum(metrics, PhoneHubTelemetry.WebhookRequests, PhoneHubTelemetry.WebhookOutcomeTag, "invalid_signature"), Is.EqualTo(1));
            Assert.That(Last(metrics, PhoneHubTelemetry.SendDuration), Is.Not.Null, "send duration histogram");

            // The only message was sent, so nothing waits.
            Assert.That(Last(metrics, PhoneHubTelemetry.QueueDepth), Is.EqualTo(0));
            Assert.That(Last(metrics, PhoneHubTelemetry.QueueAge), Is.EqualTo(0));
        });
    }

    private static Activity Single(List<Activity> spans, string name)
    {
        var matching = spans.Where(s => s.OperationName == name).ToList();
        Assert.That(matching, Has.Count.EqualTo(1), name);
        return matching[0];
    }

    /// <summary>The sum of a counter's points that carry <paramref name="tag"/> = <paramref name="value"/>, in the last export.</summary>
    private static double Sum(List<MetricSnapshot> metrics, string name, string tag, string value)
    {
        var metric = metrics.LastOrDefault(m => m.Name == name);
        Assert.That(metric, Is.Not.Null, name + " was not exported");
        double sum = 0;
        foreach (var point in metric!.MetricPoints)
        {
            if (HasTag(point, tag, value))
            {
                sum += metric.MetricType == MetricType.LongSum ? point.GetSumLong() : point.GetSumDouble();
            }
        }

        return sum;
    }

    /// <summary>A gauge's last value, or a histogram's count, in the last export; null when nothing was exported.</summary>
    private static double? Last(List<MetricSnapshot> metrics, string name)
    {
        var metric = metrics.LastOrDefault(m => m.Name == name);
        if (metric is null || metric.MetricPoints.Count == 0)
        {
            return null;
        }

        var point = metric.MetricPoints[^1];
        return metric.MetricType switch
        {
            MetricType.LongGauge => point.GetGaugeLastValueLong(),
            MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
            MetricType.Histogram => point.GetHistogramCount(),
            _ => null,
        };
    }

    private static bool HasTag(MetricPoint point, string tag, string value)
    {
        foreach (var pair in point.Tags)
        {
            if (pair.Key == tag && Equals(pair.Value, value))
            {
                return true;
            }
        }

        return false;
    }

    private static string DeliveredEvent(SmsMessage message) => new JsonObject
    {
        ["eventType"] = "TEXT_DELIVERED",
        ["eventVersion"] = "1.0",
        ["eventTimestamp"] = 1686975103470,
        ["isFinal"] = true,
        ["originationPhoneNumber"] = Number,
        ["destinationPhoneNumber"] = Recipient,
        ["messageId"] = message.ProviderMessageId,
        ["messageRequestTimestamp"] = 1686975103170,
        ["messageEncoding"] = "GSM",
        ["messageType"] = "TRANSACTIONAL",
        ["messageStatus"] = "DELIVERED",
        ["messageStatusDescription"] = "Message has been delivered",
        ["context"] = new JsonObject { ["phonehub_message_id"] = message.Id.ToString(CultureInfo.InvariantCulture) },
        ["totalMessageParts"] = 1,
        ["totalMessagePrice"] = 0.00581m,
        ["totalCarrierFee"] = 0.00302m,
    }.ToJsonString();

    private static Dictionary<string, string> Notification(string message) => SnsTestSigning.Sign(new()
    {
        ["Type"] = "Notification",
        ["MessageId"] = Guid.NewGuid().ToString(),
        ["TopicArn"] = Topic,
        ["Message"] = message,
        ["Timestamp"] = "2026-03-01T12:00:00.000Z",
        ["SigningCertURL"] = CertUrl,
        ["UnsubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + Topic + ":1",
    });
}
