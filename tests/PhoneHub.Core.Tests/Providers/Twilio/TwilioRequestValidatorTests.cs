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
