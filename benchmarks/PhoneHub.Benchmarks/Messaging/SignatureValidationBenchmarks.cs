using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.Benchmarks.Messaging;

/// <summary>
/// Checking the <c>X-Twilio-Signature</c> of a typical inbound-SMS webhook (the 20 form fields Twilio sends), valid and
/// invalid, with PhoneHub's <see cref="TwilioRequestValidator"/> beside the official <c>Twilio</c> package's
/// <c>RequestValidator</c> (the baseline) on the same input.
/// </summary>
/// <remarks>
/// The work differs on purpose: the SDK stops at the first form that matches (one HMAC for a valid request signed over
/// the URL as given, two for an invalid one), PhoneHub always hashes every form (here the URL as given and with
/// <c>:443</c>) with every token. A hand-written single HMAC-SHA1 + Base64 + fixed-time compare is shown for context.
/// </remarks>
[MemoryDiagnoser]
public class SignatureValidationBenchmarks
{
    private const string Url = "https://app.example.com/api/phonehub/sms/webhook/twilio";
    private const string Token = "12345678901234567890123456789012";
    private static readonly string[] Tokens = [Token];
    private static readonly string[] Urls = [Url];

    private readonly KeyValuePair<string, string>[] _form =
    [
        new("ToCountry", "US"), new("ToState", "CA"), new("SmsMessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        new("NumMedia", "0"), new("ToCity", "SAN FRANCISCO"), new("FromZip", "94105"),
        new("SmsSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"), new("FromState", "CA"), new("SmsStatus", "received"),
        new("FromCity", "SAN FRANCISCO"), new("Body", "Hi! Is my order 4711 on its way? Thanks, Ana"), new("FromCountry", "US"),
        new("To", "+14155550100"), new("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"), new("ToZip", "94107"),
        new("NumSegments", "1"), new("MessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        new("AccountSid", "AC0123456789abcdef0123456789abcdef"), new("From", "+14155552671"), new("ApiVersion", "2010-04-01"),
    ];

    private Dictionary<string, string> _dictionary = [];
    private global::Twilio.Security.RequestValidator _sdk = null!;
    private string _signature = "";

    /// <summary>A request Twilio signed with the token, or one signed with another token.</summary>
    [Params("valid", "invalid")]
    public string Case { get; set; } = "valid";

    /// <summary>Signs the request as Twilio would (with the wrong token for the invalid case).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dictionary = _form.ToDictionary(p => p.Key, p => p.Value);
        _sdk = new global::Twilio.Security.RequestValidator(Token);
        _signature = TwilioRequestValidator.ComputeSignature(Url, _form, Case == "valid" ? Token : "another-token-of-the-same-length!");
        if (TwilioRequestValidator.IsValid(Url, _form, _signature, Tokens) != (Case == "valid") || TwilioSdk() != (Case == "valid"))
        {
            throw new InvalidOperationException("the validators disagree on the benchmark input");
        }
    }

    /// <summary>The baseline: the <c>Twilio</c> 8.2.0 package's <c>RequestValidator.Validate</c> (validator built once).</summary>
    /// <returns>Whether the signature matches.</returns>
    [Benchmark(Baseline = true)]
    public bool TwilioSdk() => _sdk.Validate(Url, _dictionary, _signature);

    /// <summary><see cref="TwilioRequestValidator.IsValid"/>, the single-URL entry point.</summary>
    /// <returns>Whether the signature matches.</returns>
    [Benchmark]
    public bool PhoneHubIsValid() => TwilioRequestValidator.IsValid(Url, _form, _signature, Tokens);

    /// <summary><see cref="TwilioRequestValidator.IsValidForAnyUrl"/>, the entry point the webhook filter uses.</summary>
    /// <returns>Whether the signature matches.</returns>
    [Benchmark]
    public bool PhoneHubIsValidForAnyUrl() => TwilioRequestValidator.IsValidForAnyUrl(Urls, _form, _signature, Tokens);

    /// <summary>Context, not a target: sort, concatenate, one HMAC-SHA1, Base64, fixed-time compare, by hand.</summary>
    /// <returns>Whether the signature matches.</returns>
    [Benchmark]
    public bool RawSingleHmac()
    {
        var data = new StringBuilder(Url);
        foreach (var (name, value) in _form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio's signature scheme is HMAC-SHA1.
        var hash = HMACSHA1.HashData(Encoding.UTF8.GetBytes(Token), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(hash));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(_signature));
    }
}
