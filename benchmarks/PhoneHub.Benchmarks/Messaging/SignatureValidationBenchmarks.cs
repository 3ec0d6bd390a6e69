using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using PhoneHub.Providers.Twilio;

namespace PhoneHub.Benchmarks.Messaging;

/// <summary>
/// Checking the <c>X-Twilio-Signature</c> of a typical inbound-SMS webhook (the 20 form fields Twilio sends) with
/// PhoneHub's <see cref="TwilioRequestValidator"/>, beside the least any check must do: one HMAC-SHA1 over the URL and
/// the sorted fields, Base64, and a fixed-time comparison, written by hand.
/// </summary>
[MemoryDiagnoser]
public class SignatureValidationBenchmarks
{
    private const string Url = "https://app.example.com/api/phonehub/sms/webhook/twilio";
    private const string Token = "12345678901234567890123456789012";
    private static readonly string[] Tokens = [Token];

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

    private string _signature = "";

    /// <summary>Signs the request as Twilio would.</summary>
    [GlobalSetup]
    public void Setup() => _signature = TwilioRequestValidator.ComputeSignature(Url, _form, Token);

    /// <summary>By hand: sort, concatenate, HMAC-SHA1, Base64, fixed-time compare.</summary>
    /// <returns>Whether the signature matches.</returns>
    [Benchmark(Baseline = true)]
    public bool RawHmac()
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

    /// <summary><see cref="TwilioRequestValidator.IsValid"/> of the same request.</summary>
    /// <returns>Whether the signature matches.</returns>
    [Benchmark]
    public bool Validate() => TwilioRequestValidator.IsValid(Url, _form, _signature, Tokens);
}
