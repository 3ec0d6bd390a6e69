using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Tests.Rest.Infrastructure;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Tests.Dashboard;

/// <summary>
/// A real host for the dashboard: Kestrel on a loopback port (for the browser) or the test server (for HTTP tests),
/// PhoneHub on a temporary SQLite file, the header authentication scheme of the REST tests, and the dashboard at
/// <see cref="Prefix"/>.
/// </summary>
public sealed class DashboardTestHost : IAsyncDisposable
{
    public const string Prefix = "/phonehub";

    private readonly string _directory;

    private DashboardTestHost(WebApplication app, string directory, CapturingLoggerProvider logs)
    {
        App = app;
        _directory = directory;
        Logs = logs;
    }

    public WebApplication App { get; }

    public CapturingLoggerProvider Logs { get; }

    public IPhoneHub Hub => App.Services.GetRequiredService<IPhoneHub>();

    /// <summary>The dashboard's root URL on Kestrel (only for hosts started with <c>kestrel: true</c>).</summary>
    public Uri Root => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + Prefix + "/");

    public static async Task<DashboardTestHost> StartAsync(bool kestrel, Action<WebApplicationBuilder>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-dashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });

        // Hermetic: nothing from the machine's environment reaches the host.
        builder.Configuration.Sources.Clear();
        if (kestrel)
        {
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddPhoneHub(o =>
            {
                o.EncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                o.EncryptionKeyEnvironmentVariable = null;
            })
            .UseSqlite($"Data Source={Path.Combine(directory, "phonehub.db")}")
            .AddTwilio()
            .AddAws()
            .AddAspNetCore();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPhoneHub();
        app.MapPhoneHubDashboard(Prefix);
        await app.StartAsync().ConfigureAwait(false);
        return new DashboardTestHost(app, directory, logs);
    }

    /// <summary>Headers that sign a request in as <paramref name="user"/> of <paramref name="group"/> with <paramref name="permissions"/>.</summary>
    public static Dictionary<string, string> Identity(string user, string? group, params string[] permissions)
    {
        var headers = new Dictionary<string, string> { [TestAuthHandler.UserHeader] = user };
        if (group is not null)
        {
            headers[TestAuthHandler.GroupHeader] = group;
        }

        if (permissions.Length > 0)
        {
            headers[TestAuthHandler.PermissionsHeader] = string.Join(',', permissions);
        }

        return headers;
    }

    /// <summary>A test-server client signed in with <see cref="Identity"/>'s headers (none: anonymous).</summary>
    public HttpClient Client(IReadOnlyDictionary<string, string>? identity)
    {
        var client = App.GetTestClient();
        foreach (var (name, value) in identity ?? new Dictionary<string, string>())
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        return client;
    }

    /// <summary>An active test-mode config for <paramref name="group"/>: messages are recorded, nothing leaves the machine.</summary>
    public async Task<PhoneConfig> CreateTestConfigAsync(string? group, string name = "Test") =>
        (await Hub.Configs.CreateAsync(new PhoneConfig { Group = group, Name = name, Provider = PhoneProviders.Test, TestMode = true, IsActive = true })
            .ConfigureAwait(false)).Config;

    /// <summary>Stores a sent message of <paramref name="group"/> directly (for reads; sends go through the form).</summary>
    public async Task<SmsMessage> SeedMessageAsync(string? group, string body, string to = "+14155552671")
    {
        var now = DateTimeOffset.UtcNow;
        return await App.Services.GetRequiredService<ISmsStore>().InsertAsync(new SmsMessage
        {
            Group = group,
            User = "seed",
            From = "+14155550100",
            To = to,
            Body = body,
            Status = SmsStatus.Delivered,
            Provider = "test",
            ProviderMessageId = "SM" + Guid.NewGuid().ToString("N"),
            Segments = SmsEncoding.CountSegments(body),
            Price = -0.0079m,
            PriceUnit = "USD",
            Created = now,
            SentAt = now,
            DeliveredAt = now,
            Modified = now,
        }).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger; the OS cleans the temp folder.
        }
    }
}
