using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>Signs SNS envelopes in the tests as SNS does, and posts them the way SNS does.</summary>
internal static class SnsTestSigning
{
    /// <summary>The canonical string, written here from AWS's documentation independently of the production code.</summary>
    public static string StringToSign(Dictionary<string, string> fields)
    {
        var names = fields["Type"] == "Notification"
            ? new[] { "Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type" }
            : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
        var builder = new StringBuilder();
        foreach (var name in names.Where(fields.ContainsKey))
        {
            builder.Append(name).Append('\n').Append(fields[name]).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Adds SignatureVersion and Signature, made with the test certificate's key unless another is given.</summary>
    public static Dictionary<string, string> Sign(Dictionary<string, string> fields, string version = "2", RSA? key = null)
    {
        fields["SignatureVersion"] = version;
        var hash = version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        fields["Signature"] = Convert.ToBase64String((key ?? TestSnsCertificate.Key).SignData(Encoding.UTF8.GetBytes(StringToSign(fields)), hash, RSASignaturePadding.Pkcs1));
        return fields;
    }

    /// <summary>Posts an envelope as SNS does: JSON as text/plain, with its message-type header.</summary>
    public static async Task<HttpResponseMessage> PostAsync(WebhookTestHost host, string path, Dictionary<string, string> envelope, string? rawBody = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(rawBody ?? JsonSerializer.Serialize(envelope), Encoding.UTF8, "text/plain"),
        };
        if (envelope.TryGetValue("Type", out var type))
        {
            request.Headers.Add("x-amz-sns-message-type", type);
        }

        return await host.Client.SendAsync(request);
    }
}

/// <summary>A self-signed certificate standing in for SNS's signing certificate, created once per test run.</summary>
internal static class TestSnsCertificate
{
    public static readonly RSA Key = RSA.Create(2048);

    public static readonly string Pem = Create();

    private static string Create()
    {
        var request = new CertificateRequest("CN=sns.amazonaws.com", Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    }
}
