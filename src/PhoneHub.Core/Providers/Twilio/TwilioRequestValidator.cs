using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PhoneHub.Providers.Twilio;

/// <summary>
/// Computes and checks Twilio's <c>X-Twilio-Signature</c> webhook header: Base64(HMAC-SHA1(auth token, URL + the form
/// parameters sorted by name, each name followed by its value)). For JSON bodies the URL carries
/// <c>bodySHA256=&lt;hex SHA-256 of the body&gt;</c> and no parameters are appended.
/// </summary>
/// <remarks>
/// A request is accepted when any of the given auth tokens signs any of the URL forms Twilio's own libraries accept:
/// the URL as given, without its port, with the scheme's default port added, and each of those with the query
/// re-serialized the way a WHATWG URL parser does (Twilio's Node.js library signs that form, for example <c>'</c> as
/// <c>%27</c>). Several tokens allow rotation and several tenants; comparisons are constant-time.
/// </remarks>
public static class TwilioRequestValidator
{
    /// <summary>The header Twilio puts the signature in.</summary>
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>The query parameter that carries the body hash of JSON webhooks.</summary>
    public const string BodyHashParameter = "bodySHA256";

    /// <summary>Computes the signature Twilio would send for <paramref name="url"/> and <paramref name="parameters"/>.</summary>
    /// <param name="url">The full URL Twilio requested, exactly as configured at Twilio (scheme, host, port if any, path, query).</param>
    /// <param name="parameters">The decoded form parameters (a repeated name appears once per value); empty for JSON bodies.</param>
    /// <param name="authToken">The account's auth token.</param>
    /// <returns>The Base64 signature.</returns>
    public static string ComputeSignature(string url, IEnumerable<KeyValuePair<string, string>> parameters, string authToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        return Convert.ToBase64String(Hmac(authToken, url, Sorted(parameters, distinct: false)));
    }

    /// <summary>Whether <paramref name="signature"/> is a valid Twilio signature of a form-encoded request under any of <paramref name="authTokens"/>.</summary>
    /// <param name="url">The full public URL of the request.</param>
    /// <param name="parameters">The decoded form parameters (a repeated name appears once per value).</param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header; <see langword="null"/> or empty is never valid.</param>
    /// <param name="authTokens">The auth tokens that may have signed it (current and previous, or one per candidate account).</param>
    /// <returns><see langword="true"/> when one of the tokens signed one of the accepted URL forms.</returns>
    public static bool IsValid(string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature, IEnumerable<string> authTokens)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(authTokens);
        if (!TryDecodeSignature(signature, out var expected))
        {
            return false;
        }

        var all = Sorted(parameters, distinct: false);
        var distinct = Sorted(parameters, distinct: true);
        // twilio-node drops repeated identical values before signing; try that form only when it differs.
        var parameterForms = all.Count == distinct.Count ? [all] : new[] { all, distinct };
        var urls = UrlVariants(url);
        var matched = false;
        foreach (var token in authTokens)
        {
            if (string.IsNullOrEmpty(token))
            {
                continue;
            }

            foreach (var candidateUrl in urls)
            {
                foreach (var form in parameterForms)
                {
                    // No early exit inside the comparison; the loop's own order reveals nothing about the token.
                    matched |= CryptographicOperations.FixedTimeEquals(Hmac(token, candidateUrl, form), expected);
                }
            }
        }

        return matched;
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is a valid Twilio signature of a JSON-body request: the URL must carry
    /// <c>bodySHA256</c>, the body must hash to it, and one of <paramref name="authTokens"/> must have signed the URL.
    /// </summary>
    /// <param name="url">The full public URL of the request, including its <c>bodySHA256</c> query parameter.</param>
    /// <param name="body">The raw request body.</param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header.</param>
    /// <param name="authTokens">The auth tokens that may have signed it.</param>
    /// <returns><see langword="true"/> when the body hash and the signature both match.</returns>
    public static bool IsValidJson(string url, string body, string? signature, IEnumerable<string> authTokens)
    {
        ArgumentNullException.ThrowIfNull(body);
        return IsValidJson(url, Encoding.UTF8.GetBytes(body), signature, authTokens);
    }

    /// <summary>Like <see cref="IsValidJson(string, string, string?, IEnumerable{string})"/>, for a body read as bytes.</summary>
    /// <param name="url">The full public URL of the request, including its <c>bodySHA256</c> query parameter.</param>
    /// <param name="body">The raw request body.</param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header.</param>
    /// <param name="authTokens">The auth tokens that may have signed it.</param>
    /// <returns><see langword="true"/> when the body hash and the signature both match.</returns>
    public static bool IsValidJson(string url, ReadOnlySpan<byte> body, string? signature, IEnumerable<string> authTokens)
    {
        ArgumentNullException.ThrowIfNull(url);
        var claimed = FindQueryValue(url, BodyHashParameter);
        if (string.IsNullOrEmpty(claimed))
        {
            return false;
        }

        var actual = Encoding.ASCII.GetBytes(ComputeBodyHash(body));
        var claimedBytes = Encoding.ASCII.GetBytes(claimed.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(actual, claimedBytes) && IsValid(url, [], signature, authTokens);
    }

    /// <summary>The lower-case hex SHA-256 of a body, as Twilio puts it in <c>bodySHA256</c>.</summary>
    /// <param name="body">The raw body (UTF-8 for a string).</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string ComputeBodyHash(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ComputeBodyHash(Encoding.UTF8.GetBytes(body));
    }

    /// <summary>The lower-case hex SHA-256 of a body, as Twilio puts it in <c>bodySHA256</c>.</summary>
    /// <param name="body">The raw body.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string ComputeBodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>The URL forms a signature is checked against, without duplicates, the URL as given first.</summary>
    internal static IReadOnlyList<string> UrlVariants(string url)
    {
        var variants = new List<string>(6) { url };
        if (TrySplit(url, out var parts))
        {
            if (parts.Port is not null)
            {
                variants.Add(parts.With(port: null));
            }
            else if (DefaultPort(parts.Scheme) is { } port)
            {
                variants.Add(parts.With(port));
            }
        }

        foreach (var variant in variants.ToArray())
        {
            variants.Add(WhatwgQuery(variant));
        }

        return variants.Distinct(StringComparer.Ordinal).ToList();
    }

    private static byte[] Hmac(string authToken, string url, IReadOnlyList<KeyValuePair<string, string>> sortedParameters)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in sortedParameters)
        {
            data.Append(key).Append(value);
        }

#pragma warning disable CA5350 // Twilio's signature scheme is defined as HMAC-SHA1; there is no choice of algorithm.
        return HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
    }

    private static List<KeyValuePair<string, string>> Sorted(IEnumerable<KeyValuePair<string, string>> parameters, bool distinct)
    {
        IEnumerable<KeyValuePair<string, string>> pairs = parameters.Select(p => new KeyValuePair<string, string>(p.Key ?? "", p.Value ?? ""));
        if (distinct)
        {
            pairs = pairs.Distinct();
        }

        // Ordinal by name, then by value, so the order repeated values arrived in does not matter.
        return pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
    }

    private static bool TryDecodeSignature(string? signature, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrWhiteSpace(signature))
        {
            return false;
        }

        var buffer = new byte[((signature.Length + 3) / 4) * 3];
        if (!Convert.TryFromBase64String(signature.Trim(), buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }

    private static string? FindQueryValue(string url, string name)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        var end = url.IndexOf('#', query);
        var text = end < 0 ? url[(query + 1)..] : url[(query + 1)..end];
        foreach (var pair in text.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private static int? DefaultPort(string scheme) =>
        scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443
        : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80
        : null;

    /// <summary>
    /// Splits a URL by hand rather than with <see cref="Uri"/>, which would lower-case the scheme and host and drop a
    /// default port: Twilio signs the URL's exact characters.
    /// </summary>
    private static bool TrySplit(string url, out UrlParts parts)
    {
        parts = default;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return false;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[authorityStart..authorityEnd];
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority[..(at + 1)];
        var hostPort = authority[(at + 1)..];
        string host = hostPort;
        string? port = null;
        var bracket = hostPort.LastIndexOf(']');
        var colon = hostPort.LastIndexOf(':');
        if (colon > bracket)
        {
            host = hostPort[..colon];
            port = hostPort[(colon + 1)..];
        }

        parts = new UrlParts(url[..schemeEnd], userInfo, host, port, url[authorityEnd..]);
        return host.Length > 0;
    }

    /// <summary>
    /// Percent-encodes the query the way the WHATWG URL standard serializes it for http(s) (space, <c>"</c>, <c>#</c>,
    /// <c>&lt;</c>, <c>&gt;</c>, <c>'</c>, controls and non-ASCII), since Twilio's Node.js library signs that form.
    /// </summary>
    private static string WhatwgQuery(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return url;
        }

        var fragment = url.IndexOf('#', query);
        var end = fragment < 0 ? url.Length : fragment;
        var result = new StringBuilder(url.Length + 16).Append(url, 0, query + 1);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = query + 1; i < end; i++)
        {
            var c = url[i];
            if (c is > ' ' and < (char)0x7F and not '"' and not '#' and not '<' and not '>' and not '\'')
            {
                result.Append(c);
                continue;
            }

            var length = char.IsSurrogatePair(url, i) && i + 1 < end
                ? Encoding.UTF8.GetBytes(url.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(url.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                result.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return result.Append(url, end, url.Length - end).ToString();
    }

    private readonly record struct UrlParts(string Scheme, string UserInfo, string Host, string? Port, string Rest)
    {
        public string With(int? port) => $"{Scheme}://{UserInfo}{Host}{(port is null ? "" : ":" + port.Value.ToString(CultureInfo.InvariantCulture))}{Rest}";
    }
}
