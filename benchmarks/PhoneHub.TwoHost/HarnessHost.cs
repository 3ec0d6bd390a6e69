using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Messaging.Dispatch;

namespace PhoneHub.TwoHost;

/// <summary>
/// A PhoneHub web host as a team would run it behind a load balancer: PostgreSQL store, Redis tier, Twilio provider
/// (pointed at the driver's mock), the webhooks and the background dispatcher. One extra route runs a lookup.
/// </summary>
internal static class HarnessHost
{
    public static async Task<int> RunAsync(Options options)
    {
        var port = options.Int("--port", 0);
        var name = options.Get("--name");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));

        // The host's name is the first path segment of its provider URLs, so the mock can tell who called.
        var mock = new Uri(options.Get("--mock").TrimEnd('/') + "/" + name);
        builder.Services.AddPhoneHub(o => o.EncryptionKey = Deployment.EncryptionKey)
            .AddTwilio(o =>
            {
                o.ApiBaseUrl = mock;
                o.LookupsBaseUrl = mock;
            })
            .UsePostgreSql(options.Get("--postgres"))
            .UseRedis(options.Get("--redis"), o => o.KeyPrefix = Deployment.RedisPrefix)
            .AddAspNetCore();

        // Short leases so that the messages of a killed host come back within the run.
        builder.Services.Configure<SmsDispatchOptions>(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(200);
            o.LeaseDuration = TimeSpan.FromSeconds(5);
            o.RecoveryInterval = TimeSpan.FromSeconds(1);
        });
        // The REST routes need a scheme; the harness calls only the (anonymous, signature-checked) webhooks and its own route.
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPhoneHub();
        app.MapGet("/harness/ready", () => "ok");
        app.MapPost("/harness/lookup", async (string number, IPhoneHub hub, CancellationToken cancellationToken) =>
        {
            var found = await hub.LookupAsync(number, cancellationToken: cancellationToken);
            return Results.Text(found.Carrier ?? "");
        });
        await app.RunAsync();
        return 0;
    }
}
