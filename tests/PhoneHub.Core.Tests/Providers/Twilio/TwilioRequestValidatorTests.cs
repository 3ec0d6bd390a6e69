using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PhoneHub.Providers.Twilio;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Providers.Twilio;

/// <summary>Holds <see cref="TwilioRequestValidator"/> to Twilio's own published signature vectors, read from the shared specs at test time.</summary>
public sealed class TwilioRequestValidatorTests
{
    private const string VectorsFile = "twilio_signature_vectors.json";

    public static IEnumerable<TestCaseData> Vectors()
    {
        // The case source must not fail when the specs are absent: the test itself reports that (ignored, or failed in CI).
        var ids = new List<string>();
        if (SharedSpecs.Directory is { } dir && File.Exists(Path.Combine(dir, VectorsFile)))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, VectorsFile)));
            ids.AddRange(doc.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!));
        }

        return ids.Count == 0
            ? [new TestCaseData("(specs missing)").SetName("Vectors_SpecsMissing")]
            : ids.Select(id => new TestCaseData(id).SetName($"Vector_{id}"));
    }

    [Test]
    public void Vectors_FileHasAll28()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedSpecs.PathOf(VectorsFile)));
        Assert.That(doc.RootElement.GetProperty("vectors").GetArrayLength(), Is.EqualTo(28));
    }

    [TestCaseSource(nameof(Vectors))]
    public void Vector_GivesExpectedResult(string id)
    {
        var vector = Load(id);
        var token = vector.GetProperty("authToken").GetString()!;

        if (!vector.TryGetProperty("url", out var urlElement))
        {
            // The body-hash-only vector: no signature to check, just the hash.
            Assert.That(TwilioRequestValidator.ComputeBodyHash(vector.GetProperty("body").GetString()!),
                Is.EqualTo(vector.GetProperty("bodySHA256").GetString()));
            return;
        }

        var url = urlElement.GetString()!;
        var signature = vector.GetProperty("expectedSignature").GetString();
        var expected = vector.GetProperty("expectedValid").GetBoolean();
        bool actual;
        if (vector.TryGetProperty("body", out var body))
        {
            actual = TwilioRequestValidator.IsValidJson(url, body.GetString()!, signature, [token]);
        }
        else
        {
            actual = TwilioRequestValidator.IsValid(url, Params(vector), signature, [token]);
        }

        Assert.That(actual, Is.EqualTo(expected), id);

        if (expected && vector.TryGetProperty("signedString", out var signed))
        {
            // The vector records the exact HMAC input: it must be one of our candidate URLs followed by the sorted parameters.
            var signedString = signed.GetString()!;
            var sorted = Params(vector).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
            var suffixes = new[] { string.Concat(sorted.Select(p => p.Key + p.Value)), string.Concat(sorted.Distinct().Select(p => p.Key + p.Value)) };
            Assert.That(
                TwilioRequestValidator.UrlVariants(url).Any(u => suffixes.Any(s => string.Equals(u + s, signedString, StringComparison.Ordinal))),
                Is.True,
                "the signed string is one of the candidate URL forms plus the sorted parameters");
        }
    }

    [Test]
    public void IsValid_AnyTokenOfTheSet_Accepted()
    {
        var parameters = new Dictionary<string, string> { ["To"] = "+15005550006", ["Body"] = "hi" };
        var signature = TwilioRequestValidator.ComputeSignature("https://example.com/hook", parameters, "new-token");

        Assert.Multiple(() =>
        {
            Assert.That(TwilioRequestValidator.IsValid("https://example.com/hook", parameters, signature, ["old-token", "new-token"]), Is.True);
            Assert.That(TwilioRequestValidator.IsValid("https://example.com/hook", parameters, signature, ["old-token"]), Is.False);
            Assert.That(TwilioRequestValidator.IsValid("https://example.com/hook", parameters, signature, []), Is.False);
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not base64 !")]
    public void IsValid_MissingOrMalformedSignature_Rejected(string? signature)
    {
        var parameters = new Dictionary<string, string> { ["To"] = "+15005550006" };
        Assert.That(TwilioRequestValidator.IsValid("https://example.com/hook", parameters, signature, ["token"]), Is.False);
    }

    [Test]
    public void IsValid_TamperedParameter_Rejected()
    {
        var parameters = new Dictionary<string, string> { ["To"] = "+15005550006", ["Body"] = "hi" };
        var signature = TwilioRequestValidator.ComputeSignature("https://example.com/hook", parameters, "token");
        parameters["Body"] = "hi!";
        Assert.That(TwilioRequestValidator.IsValid("https://example.com/hook", parameters, signature, ["token"]), Is.False);
    }

    [Test]
    public void IsValidJson_BodyNotMatchingItsHash_Rejected()
    {
        const string body = "{\"a\":1}";
        var url = "https://example.com/hook?bodySHA256=" + TwilioRequestValidator.ComputeBodyHash(body);
        var signature = TwilioRequestValidator.ComputeSignature(url, [], "token");

        Assert.Multiple(() =>
        {
            Assert.That(TwilioRequestValidator.IsValidJson(url, body, signature, ["token"]), Is.True);
            Assert.That(TwilioRequestValidator.IsValidJson(url, "{\"a\":2}", signature, ["token"]), Is.False);
        });
    }

    public static IEnumerable<TestCaseData> Sha256Vectors() =>
        Vectors().Select(v => new TestCaseData(v.Arguments).SetName(v.TestName!.Replace("Vector", "Sha256Vector", StringComparison.Ordinal)));

    [TestCaseSource(nameof(Sha256Vectors))]
    public void Vector_ResignedWithHmacSha256_ValidOnlyUnderSha256(string id)
    {
        // Twilio publishes no HMAC-SHA256 vectors; its material says only the hash changes. So each published signed
        // string is signed here with .NET's HMACSHA256 directly, and the validator must accept exactly that.
        var vector = Load(id);
        if (!vector.TryGetProperty("expectedValid", out var valid) || !valid.GetBoolean() || !vector.TryGetProperty("signedString", out var signed) || vector.TryGetProperty("body", out _))
        {
            Assert.Pass("no signed string of a form request in this vector");
            return;
        }

        var secret = vector.GetProperty("authToken").GetString()!;
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed.GetString()!)));
        var url = vector.GetProperty("url").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(TwilioRequestValidator.IsValidForAnyUrl([url], Params(vector), signature, [secret], TwilioSignatureAlgorithm.HmacSha256), Is.True);
            Assert.That(TwilioRequestValidator.IsValidForAnyUrl([url], Params(vector), signature, [secret], TwilioSignatureAlgorithm.HmacSha1), Is.False);
            Assert.That(TwilioRequestValidator.IsValidForAnyUrl([url], Params(vector), vector.GetProperty("expectedSignature").GetString(), [secret], TwilioSignatureAlgorithm.HmacSha256), Is.False);
        });
    }

    [TestCase(null, true, TwilioSignatureAlgorithm.HmacSha1)]
    [TestCase("", true, TwilioSignatureAlgorithm.HmacSha1)]
    [TestCase("key=KS0123,algorithm=HMAC_SHA256", true, TwilioSignatureAlgorithm.HmacSha256)]
    [TestCase(" algorithm = hmac_sha256 , key=KS1", true, TwilioSignatureAlgorithm.HmacSha256)]
    [TestCase("key=KS0123,algorithm=HMAC_SHA1", true, TwilioSignatureAlgorithm.HmacSha1)]
    [TestCase("key=KS0123,algorithm=HMAC_SHA512", false, TwilioSignatureAlgorithm.HmacSha1)]
    [TestCase("key=KS0123", false, TwilioSignatureAlgorithm.HmacSha1)]
    public void TryGetSignatureAlgorithm_SettingsHeader_GivesAlgorithmOrRejects(string? header, bool known, TwilioSignatureAlgorithm expected)
    {
        Assert.That(TwilioRequestValidator.TryGetSignatureAlgorithm(header, out var algorithm), Is.EqualTo(known));
        Assert.That(algorithm, Is.EqualTo(expected));
    }

    [Test]
    public void ComputeSignature_Sha256_IsBase64OfHmacSha256OfUrlAndSortedParameters()
    {
        var parameters = new Dictionary<string, string> { ["To"] = "+15005550006", ["Body"] = "hi" };
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes("https://example.com/hookBodyhiTo+15005550006")));
        Assert.That(TwilioRequestValidator.ComputeSignature("https://example.com/hook", parameters, "key", TwilioSignatureAlgorithm.HmacSha256), Is.EqualTo(expected));
    }

    [Test]
    public void IsValidForAnyUrl_SignatureOverSecondUrl_Accepted()
    {
        var parameters = new Dictionary<string, string> { ["To"] = "+15005550006", ["Body"] = "hi" };
        var signature = TwilioRequestValidator.ComputeSignature("https://public.example.com/hook", parameters, "token");
        Assert.Multiple(() =>
        {
            Assert.That(TwilioRequestValidator.IsValidForAnyUrl(["http://internal:8080/hook", "https://public.example.com/hook"], parameters, signature, ["other", "token"]), Is.True);
            Assert.That(TwilioRequestValidator.IsValidForAnyUrl(["http://internal:8080/hook"], parameters, signature, ["other", "token"]), Is.False);
            Assert.That(TwilioRequestValidator.IsValidForAnyUrl([], parameters, signature, ["token"]), Is.False);
        });
    }

    [Test]
    public void Check_WhicheverFormOrTokenMatches_ComputesTheSameNumberOfHmacs()
    {
        // Two URLs without a port (each also tried with its default port), a repeated parameter (tried with and without
        // the duplicate), three tokens: 2 URLs x 2 port forms x 2 parameter forms x 3 tokens = 24 HMACs, always.
        string[] urls = ["https://a.example.com/hook", "https://b.example.com/hook"];
        KeyValuePair<string, string>[] parameters = [new("Digits", "1"), new("Digits", "1"), new("To", "+15005550006")];
        string[] tokens = ["t1", "t2", "t3"];
        var signatures = new List<string>
        {
            "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", // matches nothing
            TwilioRequestValidator.ComputeSignature(urls[0], parameters, "t1"), // first form, first token
            TwilioRequestValidator.ComputeSignature("https://b.example.com:443/hook", parameters, "t3"), // last URL's port form, last token
            TwilioRequestValidator.ComputeSignature(urls[1], parameters.Distinct(), "t2"), // the de-duplicated form
        };

        var counts = new List<int>();
        var results = new List<bool>();
        foreach (var signature in signatures)
        {
            results.Add(TwilioRequestValidator.Check(urls, parameters, signature, tokens, TwilioSignatureAlgorithm.HmacSha1, out var computations));
            counts.Add(computations);
        }

        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(new[] { false, true, true, true }));
            Assert.That(counts, Is.All.EqualTo(24));
        });
    }

    [Test]
    public void IsValid_SurrogatePairSplitBetweenUrlAndParameters_SignedAsOneString()
    {
        // A URL ending in a high surrogate before a parameter starting with a low one: one string holds a whole pair
        // there, so the validator must encode them together, as Twilio's libraries would.
        const string url = "https://example.com/hook?x=\uD83D";
        KeyValuePair<string, string>[] parameters = [new("\uDE00Key", "v")];
        var signature = TwilioRequestValidator.ComputeSignature(url, parameters, "token");
        Assert.That(TwilioRequestValidator.IsValid(url, parameters, signature, ["token"]), Is.True);
    }

    [Test]
    public void IsValidForAnyUrl_ManyThreadsSharingTokens_EveryAnswerRight()
    {
        var parameters = new Dictionary<string, string> { ["To"] = "+15005550006", ["Body"] = "hi" };
        var valid = TwilioRequestValidator.ComputeSignature("https://example.com/hook", parameters, "token-b");
        var invalid = TwilioRequestValidator.ComputeSignature("https://example.com/hook", parameters, "token-c");
        var wrong = 0;
        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var expected = i % 2 == 0;
            if (TwilioRequestValidator.IsValidForAnyUrl(["https://example.com/hook"], parameters, expected ? valid : invalid, ["token-a", "token-b"]) != expected)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.That(wrong, Is.Zero);
    }

    private static List<KeyValuePair<string, string>> Params(JsonElement vector)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (!vector.TryGetProperty("params", out var parameters))
        {
            return result;
        }

        foreach (var property in parameters.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                result.AddRange(property.Value.EnumerateArray().Select(v => new KeyValuePair<string, string>(property.Name, v.GetString()!)));
            }
            else
            {
                result.Add(new(property.Name, property.Value.GetString()!));
            }
        }

        return result;
    }

    private static JsonElement Load(string id)
    {
        var path = SharedSpecs.PathOf(VectorsFile);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == id).Clone();
    }
}
