using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace PhoneHub.TwoHost;

/// <summary>
/// A counting stand-in for Twilio on 127.0.0.1: Messages (counts each body, with the time and the calling host, the
/// first path segment) and Lookup v2 (counts each number, answers after a delay so concurrent lookups overlap).
/// </summary>
internal sealed class MockTwilio : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _sequence;

    private MockTwilio(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, int> Lookups { get; } = new(StringComparer.Ordinal);

    /// <summary>Every Messages call: body, calling host, and when (Stopwatch ticks).</summary>
    public ConcurrentQueue<(string Body, string Host, long At)> Sends { get; } = new();

    public TimeSpan LookupLatency { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan SendLatency { get; set; } = TimeSpan.FromMilliseconds(20);

    public static async Task<MockTwilio> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var mock = new MockTwilio(app);
        app.MapPost("/{host}/2010-04-01/Accounts/{account}/Messages.json", mock.SendAsync);
        app.MapGet("/{host}/v2/PhoneNumbers/{number}", mock.LookupAsync);
        await app.StartAsync();
        return mock;
    }

    private async Task<IResult> SendAsync(HttpContext context, string host, string account)
    {
        var form = await context.Request.ReadFormAsync();
        var body = form["Body"].ToString();
        Sends.Enqueue((body, host, Stopwatch.GetTimestamp()));
        await Task.Delay(SendLatency);
        var sid = "SM" + Interlocked.Increment(ref _sequence).ToString("x32", CultureInfo.InvariantCulture);
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"sid":"{{sid}}","account_sid":"{{account}}","to":"{{form["To"]}}","from":"{{form["From"]}}","body":"ok","status":"queued","num_segments":"1","num_media":"0","price":null,"price_unit":"USD","error_code":null,"error_message":null,"direction":"outbound-api","api_version":"2010-04-01","uri":"/2010-04-01/Accounts/{{account}}/Messages/{{sid}}.json"}""");
        return Results.Text(json, "application/json", statusCode: StatusCodes.Status201Created);
    }

    private async Task<IResult> LookupAsync(string host, string number)
    {
        Lookups.AddOrUpdate(number, 1, static (_, n) => n + 1);
        await Task.Delay(LookupLatency);
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"calling_country_code":"1","country_code":"US","phone_number":"{{number}}","national_format":"","valid":true,"validation_errors":[],"caller_name":null,"line_type_intelligence":{"carrier_name":"Mock Wireless","error_code":null,"mobile_country_code":"310","mobile_network_code":"410","type":"mobile"},"url":"https://lookups.twilio.com/v2/PhoneNumbers/{{number}}"}""");
        return Results.Text(json, "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
