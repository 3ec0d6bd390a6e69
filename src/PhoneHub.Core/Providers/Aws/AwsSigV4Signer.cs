using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PhoneHub.Providers.Aws;

/// <summary>A request as the signer sees it: what goes on the wire, before the signature headers are added.</summary>
/// <param name="Method">The HTTP method, for example <c>POST</c>.</param>
/// <param name="Path">The path as sent on the wire (already percent-encoded), for example <c>/</c>.</param>
/// <param name="Query">The raw query string without <c>?</c> (may be empty).</param>
/// <param name="Headers">The headers to sign, names in any case; <c>Host</c> must be among them.</param>
/// <param name="Payload">The body bytes (empty for none).</param>
internal sealed record AwsSigningRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Payload);

/// <summary>The signer's output: every intermediate step (so tests can compare each one) and the headers to add.</summary>
/// <param name="CanonicalRequest">Step 1.</param>
/// <param name="StringToSign">Step 2.</param>
/// <param name="Authorization">The <c>Authorization</c> header value.</param>
/// <param name="AmzDate">The <c>X-Amz-Date</c> header value.</param>
/// <param name="SecurityToken">The <c>X-Amz-Security-Token</c> header value, when the credentials have one.</param>
internal sealed record AwsSignature(string CanonicalRequest, string StringToSign, string Authorization, string AmzDate, string? SecurityToken);

/// <summary>
/// AWS Signature Version 4 (header form) for non-S3 services, following the published algorithm:
/// canonical request → string to sign → signing key → <c>Authorization</c>.
/// </summary>
/// <remarks>
/// Written here rather than taken from AWSSDK.Core: the SDK's <c>AWS4Signer</c> lives in an <c>Internal</c> namespace and
/// signs the SDK's own <c>IRequest</c>/<c>IClientConfig</c> types, which PhoneHub does not otherwise use. This one is
/// proven byte for byte against the official AWS SigV4 test suite.
/// </remarks>
internal static class AwsSigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    private const string AmzDateHeader = "x-amz-date";
    private const string SecurityTokenHeader = "x-amz-security-token";

    /// <summary>Signs <paramref name="request"/>. The signer sets <c>X-Amz-Date</c> from <paramref name="time"/> and, with session credentials, <c>X-Amz-Security-Token</c> (both signed); same-named headers in the request are replaced.</summary>
    public static AwsSignature Sign(AwsSigningRequest request, AwsCredentials credentials, string region, string service, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);

        var utc = time.UtcDateTime;
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/{service}/aws4_request";

        var headers = request.Headers
            .Where(h => !IsNamed(h.Key, AmzDateHeader) && !IsNamed(h.Key, SecurityTokenHeader))
            .Append(new(AmzDateHeader, amzDate));
        if (credentials.SessionToken is { } token)
        {
            // SNS expects the token inside the signature (the suite's "header-before" variant).
            headers = headers.Append(new(SecurityTokenHeader, token));
        }

        var (canonicalHeaders, signedHeaders) = CanonicalizeHeaders(headers);
        var canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalPath(request.Path),
            CanonicalQuery(request.Query),
            canonicalHeaders,
            signedHeaders,
            HexSha256(request.Payload.Span));

        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));

        var key = SigningKey(credentials.SecretAccessKey, date, region, service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new AwsSignature(canonicalRequest, stringToSign, authorization, amzDate, credentials.SessionToken);
    }

    /// <summary>The SigV4 signing key: HMAC chain over date, region, service and <c>aws4_request</c>.</summary>
    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>Lower-case hex SHA-256, as SigV4 uses for payload and canonical-request hashes.</summary>
    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Percent-encodes per RFC 3986 as SigV4 requires: unreserved characters kept, everything else as UTF-8 <c>%XX</c> with upper-case hex.</summary>
    public static string UriEncode(string value, bool keepSlash = false)
    {
        var builder = new StringBuilder(value.Length);
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && (IsUnreserved((char)rune.Value) || (keepSlash && rune.Value == '/')))
            {
                builder.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(buffer);
            foreach (var b in buffer[..length])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private static bool IsNamed(string name, string expected) => string.Equals(name.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    // Non-S3 services sign the path encoded once more on top of its wire form (so "%20" becomes "%2520").
    private static string CanonicalPath(string path) => string.IsNullOrEmpty(path) ? "/" : UriEncode(path, keepSlash: true);

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return "";
        }

        // Decode what the wire form encoded, then re-encode the SigV4 way, so "é", "%C3%A9" and "%c3%a9" sign alike;
        // sort by encoded name, then by encoded value (repeated names are kept).
        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(name)), UriEncode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    private static (string Canonical, string Signed) CanonicalizeHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        // Lower-case names, trimmed values with inner runs of spaces collapsed; repeated names joined with commas.
        var grouped = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!grouped.TryGetValue(key, out var values))
            {
                grouped[key] = values = [];
            }

            values.Add(CollapseSpaces(value.Trim()));
        }

        var canonical = new StringBuilder();
        foreach (var (name, values) in grouped)
        {
            canonical.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        return (canonical.ToString(), string.Join(';', grouped.Keys));
    }

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
