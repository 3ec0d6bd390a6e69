using System.Buffers;
using System.Collections.Concurrent;
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
/// <para>
/// A request is accepted when any of the given auth tokens signs any of the URL forms Twilio's own libraries accept:
/// the URL as given, without its port, with the scheme's default port added, and each of those with the query
/// re-serialized the way a WHATWG URL parser does (Twilio's Node.js library signs that form, for example <c>'</c> as
/// <c>%27</c>). Several tokens allow rotation and several tenants; comparisons are constant-time.
/// </para>
/// <para>
/// Every accepted form is hashed with every candidate secret, whichever matches, so the time a check takes depends
/// only on the URL, the parameters and the number of secrets, never on which secret or form matched. To keep that
/// affordable the sorted parameters are encoded once per request, each form is hashed from one reused buffer, and
/// each secret's keyed HMAC is kept in a small thread-safe pool instead of being set up again per hash.
/// </para>
/// <para>
/// A Webhook Setting at Twilio may sign with a shared key instead of the auth token; Twilio then announces the
/// algorithm in <see cref="SignatureSettingsHeader"/> (for example <c>key=...,algorithm=HMAC_SHA256</c>). Only the hash
/// changes: the signed string and the Base64 encoding stay the same. See <see cref="TryGetSignatureAlgorithm"/>.
/// </para>
/// </remarks>
public static class TwilioRequestValidator
{
    /// <summary>The header Twilio puts the signature in.</summary>
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>The query parameter that carries the body hash of JSON webhooks.</summary>
    public const string BodyHashParameter = "bodySHA256";

    /// <summary>The header in which Twilio names the shared key and algorithm of a Webhook Setting's signature.</summary>
    public const string SignatureSettingsHeader = "X-Twilio-Webhooks-Signature-Settings";

    // Secrets whose keyed HMACs are pooled, per algorithm; past this many the pool starts again (a deployment has a
    // few secrets per tenant, so this bound is only reached by churn).
    private const int MaxPooledSecrets = 1024;

    private static readonly ConcurrentDictionary<string, HmacPool>[] Pools =
        [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

    private static readonly IComparer<KeyValuePair<string, string>> ParameterOrder = new SortedParameterComparer();

    /// <summary>
    /// Reads <see cref="SignatureSettingsHeader"/>: without it (<see langword="null"/> or empty) Twilio signed with the
    /// auth token and HMAC-SHA1; with it, with the shared key the Setting names and the algorithm it gives.
    /// </summary>
    /// <param name="signatureSettings">The header's value, for example <c>key=...,algorithm=HMAC_SHA256</c>.</param>
    /// <param name="algorithm">The algorithm to check the signature with.</param>
    /// <returns><see langword="false"/> when the header names no algorithm or one this library does not know: reject the request.</returns>
    public static bool TryGetSignatureAlgorithm(string? signatureSettings, out TwilioSignatureAlgorithm algorithm)
    {
        algorithm = TwilioSignatureAlgorithm.HmacSha1;
        if (string.IsNullOrWhiteSpace(signatureSettings))
        {
            return true;
        }

        foreach (var part in signatureSettings.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().Equals("algorithm", StringComparison.OrdinalIgnoreCase))
            {
                var name = part.AsSpan(eq + 1).Trim();
                if (name.Equals("HMAC_SHA256", StringComparison.OrdinalIgnoreCase))
                {
                    algorithm = TwilioSignatureAlgorithm.HmacSha256;
                    return true;
                }

                return name.Equals("HMAC_SHA1", StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

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
        return ComputeSignature(url, parameters, authToken, TwilioSignatureAlgorithm.HmacSha1);
    }

    /// <summary>Computes the signature Twilio would send, signed with <paramref name="secret"/> and <paramref name="algorithm"/>.</summary>
    /// <param name="url">The full URL Twilio requested, exactly as configured at Twilio.</param>
    /// <param name="parameters">The decoded form parameters; empty for JSON bodies.</param>
    /// <param name="secret">The auth token, or a Webhook Setting's shared key.</param>
    /// <param name="algorithm">The HMAC the signature uses.</param>
    /// <returns>The Base64 signature.</returns>
    public static string ComputeSignature(string url, IEnumerable<KeyValuePair<string, string>> parameters, string secret, TwilioSignatureAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var data = new StringBuilder(url);
        foreach (var (key, value) in Sorted(parameters, distinct: false))
        {
            data.Append(key).Append(value);
        }

        var keyBytes = Encoding.UTF8.GetBytes(secret);
        var message = Encoding.UTF8.GetBytes(data.ToString());
#pragma warning disable CA5350 // Twilio's default signature scheme is defined as HMAC-SHA1; there is no choice of algorithm.
        return Convert.ToBase64String(algorithm == TwilioSignatureAlgorithm.HmacSha256 ? HMACSHA256.HashData(keyBytes, message) : HMACSHA1.HashData(keyBytes, message));
#pragma warning restore CA5350
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
        return Check([url], parameters, signature, authTokens, TwilioSignatureAlgorithm.HmacSha1, out _);
    }

    /// <summary>
    /// Whether <paramref name="signature"/> signs a form-encoded request at any of <paramref name="urls"/> (the request's
    /// public URL as each configured base sees it), under any of <paramref name="secrets"/>: one check for the whole
    /// request, the parameters sorted and encoded once, every URL form and every secret hashed without early exit.
    /// </summary>
    /// <param name="urls">The candidate public URLs of the request.</param>
    /// <param name="parameters">The decoded form parameters (a repeated name appears once per value).</param>
    /// <param name="signature">The <c>X-Twilio-Signature</c> header; <see langword="null"/> or empty is never valid.</param>
    /// <param name="secrets">The auth tokens (or shared keys, for <see cref="TwilioSignatureAlgorithm.HmacSha256"/>) that may have signed it.</param>
    /// <param name="algorithm">The HMAC to check with (see <see cref="TryGetSignatureAlgorithm"/>).</param>
    /// <returns><see langword="true"/> when one of the secrets signed one of the accepted forms of one of the URLs.</returns>
    public static bool IsValidForAnyUrl(
        IEnumerable<string> urls,
        IEnumerable<KeyValuePair<string, string>> parameters,
        string? signature,
        IEnumerable<string> secrets,
        TwilioSignatureAlgorithm algorithm = TwilioSignatureAlgorithm.HmacSha1)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(secrets);
        return Check(urls, parameters, signature, secrets, algorithm, out _);
    }

    /// <summary>
    /// The whole check. <paramref name="computations"/> is the number of HMACs computed: URL forms × parameter forms ×
    /// non-empty secrets, whatever matched (the tests hold it to that).
    /// </summary>
    internal static bool Check(
        IEnumerable<string> urls,
        IEnumerable<KeyValuePair<string, string>> parameters,
        string? signature,
        IEnumerable<string> secrets,
        TwilioSignatureAlgorithm algorithm,
        out int computations)
    {
        computations = 0;
        Span<byte> expected = stackalloc byte[64];
        if (string.IsNullOrWhiteSpace(signature) || signature.Length > 88
            || !Convert.TryFromBase64String(signature.Trim(), expected, out var expectedLength))
        {
            return false;
        }

        expected = expected[..expectedLength];

        // Sorted once: by name, then by value, so the order repeated values arrived in does not matter.
        var pairs = parameters.TryGetNonEnumeratedCount(out var count) ? new KeyValuePair<string, string>[count] : [];
        var n = 0;
        foreach (var (key, value) in parameters)
        {
            if (n == pairs.Length)
            {
                Array.Resize(ref pairs, Math.Max(8, n * 2));
            }

            pairs[n++] = new KeyValuePair<string, string>(key ?? "", value ?? "");
        }

        if (n != pairs.Length)
        {
            Array.Resize(ref pairs, n);
        }

        Array.Sort(pairs, ParameterOrder);
        var suffixLength = 0;
        var duplicates = false;
        for (var i = 0; i < pairs.Length; i++)
        {
            suffixLength += pairs[i].Key.Length + pairs[i].Value.Length;
            duplicates |= i > 0 && pairs[i].Key == pairs[i - 1].Key && pairs[i].Value == pairs[i - 1].Value;
        }

        var forms = new List<string>(8);
        foreach (var url in urls)
        {
            ArgumentNullException.ThrowIfNull(url);
            AddUrlForms(url, forms);
        }

        var longestForm = 0;
        foreach (var form in forms)
        {
            longestForm = Math.Max(longestForm, form.Length);
        }

        // The messages (each URL form followed by the sorted parameters) are the same for every secret: they are encoded
        // once, into one buffer, and each secret hashes them all. The parameters are encoded once per parameter form and
        // copied behind each URL form; only when a URL form ends in a high surrogate and the parameters begin with a low
        // one (the pair would join in one string) is the whole text encoded together, as Twilio's libraries would.
        // twilio-node drops repeated identical values before signing: that form is tried only when it differs.
        var parameterForms = duplicates ? 2 : 1;
        var messageCount = forms.Count * parameterForms;
        var chars = ArrayPool<char>.Shared.Rent((longestForm + suffixLength) * 2);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(longestForm + suffixLength) * (messageCount + parameterForms));
        // Start and end of each message in the buffer.
        Span<int> bounds = messageCount <= 32 ? stackalloc int[messageCount * 2] : new int[messageCount * 2];
        try
        {
            var parametersStart = longestForm;
            var used = 0;
            var message = 0;
            for (var f = 0; f < parameterForms; f++)
            {
                var at = parametersStart;
                for (var i = 0; i < pairs.Length; i++)
                {
                    if (f == 1 && i > 0 && pairs[i].Key == pairs[i - 1].Key && pairs[i].Value == pairs[i - 1].Value)
                    {
                        continue;
                    }

                    pairs[i].Key.CopyTo(chars.AsSpan(at));
                    at += pairs[i].Key.Length;
                    pairs[i].Value.CopyTo(chars.AsSpan(at));
                    at += pairs[i].Value.Length;
                }

                var parameterText = chars.AsSpan(parametersStart, at - parametersStart);
                var parameterBytes = Encoding.UTF8.GetBytes(parameterText, bytes.AsSpan(used));
                var encodedParameters = bytes.AsSpan(used, parameterBytes);
                used += parameterBytes;
                var joinsPair = parameterText.Length > 0 && char.IsLowSurrogate(parameterText[0]);
                foreach (var form in forms)
                {
                    bounds[2 * message] = used;
                    if (joinsPair && form.Length > 0 && char.IsHighSurrogate(form[^1]))
                    {
                        form.CopyTo(chars.AsSpan(parametersStart - form.Length));
                        used += Encoding.UTF8.GetBytes(chars.AsSpan(parametersStart - form.Length, form.Length + parameterText.Length), bytes.AsSpan(used));
                    }
                    else
                    {
                        used += Encoding.UTF8.GetBytes(form, bytes.AsSpan(used));
                        encodedParameters.CopyTo(bytes.AsSpan(used));
                        used += encodedParameters.Length;
                    }

                    bounds[(2 * message) + 1] = used;
                    message++;
                }
            }

            var matched = false;
            Span<byte> hash = stackalloc byte[32];
            foreach (var secret in secrets)
            {
                if (string.IsNullOrEmpty(secret))
                {
                    continue;
                }

                var pool = PoolFor(secret, algorithm);
                var hmac = pool.Rent();
                try
                {
                    for (var m = 0; m < messageCount; m++)
                    {
                        hmac.AppendData(bytes, bounds[2 * m], bounds[(2 * m) + 1] - bounds[2 * m]);
                        hmac.TryGetHashAndReset(hash, out var written);
                        // No early exit: every secret and form is hashed and compared in fixed time.
                        matched |= CryptographicOperations.FixedTimeEquals(hash[..written], expected);
                        computations++;
                    }
                }
                finally
                {
                    pool.Return(hmac);
                }
            }

            return matched;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
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
        var forms = new List<string>(4);
        AddUrlForms(url, forms);
        return forms;
    }

    /// <summary>Adds the forms of <paramref name="url"/> not yet in <paramref name="forms"/>: as given, the port toggled, and the WHATWG query of each.</summary>
    private static void AddUrlForms(string url, List<string> forms)
    {
        var first = forms.Count;
        AddDistinct(forms, url);
        if (TrySplit(url, out var hostEnd, out var portEnd))
        {
            if (portEnd > hostEnd)
            {
                AddDistinct(forms, string.Concat(url.AsSpan(0, hostEnd), url.AsSpan(portEnd)));
            }
            else if (DefaultPort(url.AsSpan(0, url.IndexOf("://", StringComparison.Ordinal))) is { } port)
            {
                AddDistinct(forms, string.Concat(url.AsSpan(0, hostEnd), port, url.AsSpan(hostEnd)));
            }
        }

        for (int i = first, end = forms.Count; i < end; i++)
        {
            AddDistinct(forms, WhatwgQuery(forms[i]));
        }
    }

    private static void AddDistinct(List<string> forms, string form)
    {
        foreach (var existing in forms)
        {
            if (string.Equals(existing, form, StringComparison.Ordinal))
            {
                return;
            }
        }

        forms.Add(form);
    }

    private static HmacPool PoolFor(string secret, TwilioSignatureAlgorithm algorithm)
    {
        var pools = Pools[algorithm == TwilioSignatureAlgorithm.HmacSha256 ? 1 : 0];
        if (pools.TryGetValue(secret, out var pool))
        {
            return pool;
        }

        if (pools.Count >= MaxPooledSecrets)
        {
            pools.Clear();
        }

        return pools.GetOrAdd(secret, static (s, a) => new HmacPool(s, a), algorithm);
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

    private static string? DefaultPort(ReadOnlySpan<char> scheme) =>
        scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? ":443"
        : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? ":80"
        : null;

    /// <summary>
    /// Finds the end of the host and the end of the port (equal without a port) by hand rather than with
    /// <see cref="Uri"/>, which would lower-case the scheme and host and drop a default port: Twilio signs the URL's
    /// exact characters. False when the URL has no scheme or no host.
    /// </summary>
    private static bool TrySplit(string url, out int hostEnd, out int portEnd)
    {
        hostEnd = portEnd = 0;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return false;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.AsSpan(authorityStart).IndexOfAny('/', '?', '#');
        authorityEnd = authorityEnd < 0 ? url.Length : authorityStart + authorityEnd;
        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        var hostStart = authorityStart + authority.LastIndexOf('@') + 1;
        var hostPort = url.AsSpan(hostStart, authorityEnd - hostStart);
        var bracket = hostPort.LastIndexOf(']');
        var colon = hostPort.LastIndexOf(':');
        hostEnd = colon > bracket ? hostStart + colon : authorityEnd;
        portEnd = authorityEnd;
        return hostEnd > hostStart;
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

    /// <summary>Ordinal by name, then by value.</summary>
    private sealed class SortedParameterComparer : IComparer<KeyValuePair<string, string>>
    {
        public int Compare(KeyValuePair<string, string> x, KeyValuePair<string, string> y)
        {
            var byKey = string.CompareOrdinal(x.Key, y.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(x.Value, y.Value);
        }
    }

    /// <summary>
    /// Keyed HMACs of one secret, ready to use: setting up an HMAC (the key schedule, and the native context under it)
    /// costs about as much as hashing a whole webhook. A few slots taken and given back with atomic exchanges; a rent
    /// that finds them all taken makes a new one, and a return that finds them all full disposes it.
    /// </summary>
    private sealed class HmacPool(string secret, TwilioSignatureAlgorithm algorithm)
    {
        private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);
        private readonly HashAlgorithmName _name = algorithm == TwilioSignatureAlgorithm.HmacSha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        private readonly IncrementalHash?[] _slots = new IncrementalHash?[Math.Min(Environment.ProcessorCount, 8)];

        public IncrementalHash Rent()
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Interlocked.Exchange(ref _slots[i], null) is { } hmac)
                {
                    return hmac;
                }
            }

            return IncrementalHash.CreateHMAC(_name, _key);
        }

        public void Return(IncrementalHash hmac)
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _slots[i], hmac, null) is null)
                {
                    return;
                }
            }

            hmac.Dispose();
        }
    }
}

/// <summary>The HMAC a Twilio webhook signature is made with.</summary>
public enum TwilioSignatureAlgorithm
{
    /// <summary>HMAC-SHA1 with the account's auth token: Twilio's default.</summary>
    HmacSha1 = 0,

    /// <summary>HMAC-SHA256 with a Webhook Setting's shared key (announced in <see cref="TwilioRequestValidator.SignatureSettingsHeader"/>).</summary>
    HmacSha256 = 1,
}
