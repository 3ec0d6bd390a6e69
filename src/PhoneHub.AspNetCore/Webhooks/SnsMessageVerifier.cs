using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneHub.AspNetCore.Webhooks;

/// <summary>The result of checking an SNS message.</summary>
internal enum SnsVerification
{
    /// <summary>Signed by SNS.</summary>
    Valid,

    /// <summary>The signature or the certificate URL is not acceptable.</summary>
    Invalid,

    /// <summary>The certificate could not be fetched; the message may be genuine (SNS retries on 5xx).</summary>
    CertificateUnavailable,
}

/// <summary>
/// Verifies Amazon SNS message signatures: SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA) over
/// <see cref="SnsEnvelope.StringToSign"/>, with the public key of the X.509 certificate at <c>SigningCertURL</c>.
/// The certificate is fetched only over https from an <c>sns.&lt;region&gt;.amazonaws.com</c> host (the TLS connection
/// to that host is what makes the certificate trustworthy), with a <c>.pem</c> path, through the
/// <see cref="PhoneHubWebhookOptions.SnsHttpClientName"/> client, and its key is cached.
/// </summary>
internal sealed partial class SnsMessageVerifier(
    IHttpClientFactory httpClients,
    IOptions<PhoneHubWebhookOptions> options,
    TimeProvider time,
    ILogger<SnsMessageVerifier> logger)
{
    private const int MaxCachedCertificates = 64;
    private const int MaxCertificateBytes = 64 * 1024;
    private readonly ConcurrentDictionary<string, CachedKey> _keys = new(StringComparer.Ordinal);

    /// <summary>SNS hosts: <c>sns.&lt;region&gt;.amazonaws.com</c> (and <c>.amazonaws.com.cn</c> in China), nothing before or after.</summary>
    [GeneratedRegex(@"\Asns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SnsHost();

    /// <summary>Whether <paramref name="url"/> is an acceptable signing-certificate URL.</summary>
    public static bool IsAllowedCertificateUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || parsed.Scheme != Uri.UriSchemeHttps
            || !parsed.IsDefaultPort
            || parsed.UserInfo.Length > 0
            || !SnsHost().IsMatch(parsed.IdnHost)
            || !parsed.AbsolutePath.EndsWith(".pem", StringComparison.Ordinal))
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    public async Task<SnsVerification> VerifyAsync(SnsEnvelope envelope, CancellationToken cancellationToken)
    {
        var algorithm = envelope.SignatureVersion switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => default,
        };
        if (algorithm == default)
        {
            WebhookLog.SnsRejected(logger, "unsupported signature version", envelope.TopicArn);
            return SnsVerification.Invalid;
        }

        if (!IsAllowedCertificateUrl(envelope.SigningCertUrl, out var certificateUrl))
        {
            WebhookLog.SnsRejected(logger, "signing certificate URL is not an https SNS .pem URL", envelope.TopicArn);
            return SnsVerification.Invalid;
        }

        var signature = new byte[envelope.Signature.Length];
        if (!Convert.TryFromBase64String(envelope.Signature, signature, out var signatureLength))
        {
            WebhookLog.SnsRejected(logger, "signature is not base64", envelope.TopicArn);
            return SnsVerification.Invalid;
        }

        var key = await GetKeyAsync(certificateUrl!, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return SnsVerification.CertificateUnavailable;
        }

        var now = time.GetUtcNow();
        if (now < key.NotBefore || now > key.NotAfter)
        {
            WebhookLog.SnsRejected(logger, "signing certificate is not valid now", envelope.TopicArn);
            return SnsVerification.Invalid;
        }

        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
        var data = Encoding.UTF8.GetBytes(envelope.StringToSign());
        if (!rsa.VerifyData(data, signature.AsSpan(0, signatureLength), algorithm, RSASignaturePadding.Pkcs1))
        {
            WebhookLog.SnsRejected(logger, "signature does not match", envelope.TopicArn);
            return SnsVerification.Invalid;
        }

        return SnsVerification.Valid;
    }

    private async Task<CachedKey?> GetKeyAsync(Uri url, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(url.AbsoluteUri, out var cached) && cached.CacheExpires > now)
        {
            return cached;
        }

        byte[] bytes;
        try
        {
            using var client = httpClients.CreateClient(PhoneHubWebhookOptions.SnsHttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxCertificateBytes)
            {
                WebhookLog.SnsCertificateFetchFailed(logger, null, url.IdnHost);
                return null;
            }

            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            WebhookLog.SnsCertificateFetchFailed(logger, ex, url.IdnHost);
            return null;
        }

        CachedKey key;
        try
        {
            using var certificate = bytes.Length > 0 && bytes[0] == (byte)'-'
                ? X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(bytes))
                : X509CertificateLoader.LoadCertificate(bytes);
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null)
            {
                WebhookLog.SnsCertificateFetchFailed(logger, null, url.IdnHost);
                return null;
            }

            key = new CachedKey(
                rsa.ExportSubjectPublicKeyInfo(),
                new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                now + options.Value.SnsCertificateCacheDuration);
        }
        catch (CryptographicException ex)
        {
            WebhookLog.SnsCertificateFetchFailed(logger, ex, url.IdnHost);
            return null;
        }

        if (_keys.Count >= MaxCachedCertificates)
        {
            // SNS uses a handful of certificates; a full cache means something unusual, and refetching is harmless.
            _keys.Clear();
        }

        _keys[url.AbsoluteUri] = key;
        return key;
    }

    /// <summary>Only the public key and validity are kept, so nothing disposable lives in the cache.</summary>
    private sealed record CachedKey(byte[] SubjectPublicKeyInfo, DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset CacheExpires);
}
