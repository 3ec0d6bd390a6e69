using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// A local stand-in for Twilio's Messages endpoint on 127.0.0.1: <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>
/// with a form body answers 201 and a Twilio-shaped JSON message, at once. Optionally checks each request against a
/// callback first (used to prove the message was stored before the provider was called). Every create is recorded
/// by its <c>To</c> number (the harnesses send each message to a number of its own), so a harness can count creates per
/// message and compare the ids it answered with the ids stored.
/// </summary>
internal sealed class MockProviderServer : IAsyncDisposable
{
    public const string AccountSid = "AC0000000000000000000000000000beef";
    public const string AuthToken = "bench-auth-token-0000000000000000";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Create>> _creates = new(StringComparer.Ordinal);
    private long _requests;
    private long _checkFailures;
    private long _inFlight;

    private MockProviderServer(WebApplication app) => _app = app;

    /// <summary>The base URL, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The Messages endpoint of <see cref="AccountSid"/>.</summary>
    public Uri MessagesUrl => new(BaseUrl, $"/2010-04-01/Accounts/{AccountSid}/Messages.json");

    public long Requests => Interlocked.Read(ref _requests);

    public long CheckFailures => Interlocked.Read(ref _checkFailures);

    /// <summary>Creates received and not yet answered.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Every create received so far, by its <c>To</c> number.</summary>
    public IReadOnlyDictionary<string, ConcurrentQueue<Create>> CreatesByRecipient => _creates;

    /// <summary>How long the mock takes to answer, like a provider's round trip; zero by default (pure overhead).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, runs for each request's form before answering; false counts a check failure.</summary>
    public Func<IFormCollection, Task<bool>>? Check { get; set; }

    public static async Task<MockProviderServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new MockProviderServer(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    private async Task<IResult> HandleAsync(HttpContext context, string account)
    {
        var form = await context.Request.ReadFormAsync();
        var n = Interlocked.Increment(ref _requests);
        var sid = "SM" + n.ToString("x32", CultureInfo.InvariantCulture);
        _creates.GetOrAdd(form["To"].ToString(), _ => new ConcurrentQueue<Create>()).Enqueue(new Create(sid, Stopwatch.GetTimestamp()));
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await AnswerAsync(form, account, sid);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<IResult> AnswerAsync(IFormCollection form, string account, string sid)
    {
        if (Check is { } check && !await check(form))
        {
            Interlocked.Increment(ref _checkFailures);
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency);
        }

        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"sid":"{{sid}}","account_sid":"{{account}}","to":"{{form["To"]}}","from":"{{form["From"]}}","body":"ok","status":"queued","num_segments":"1","num_media":"0","price":null,"price_unit":"USD","error_code":null,"error_message":null,"direction":"outbound-api","api_version":"2010-04-01","uri":"/2010-04-01/Accounts/{{account}}/Messages/{{sid}}.json"}""");
        return Results.Text(json, "application/json", statusCode: StatusCodes.Status201Created);
    }

    /// <summary>One create: the id answered and when it arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    internal readonly record struct Create(string Sid, long ReceivedAt);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
