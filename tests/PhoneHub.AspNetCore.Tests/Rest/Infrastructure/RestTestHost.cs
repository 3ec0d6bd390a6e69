using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.AspNetCore.Tests.Rest.Infrastructure;

/// <summary>
/// A real ASP.NET Core host on the test server: PhoneHub on a temporary SQLite file, <c>MapPhoneHub()</c>, a header
/// authentication scheme for tests, and every log line captured at Trace level.
/// </summary>
public sealed class RestTestHost : IAsyncDisposable
{
    public const string Prefix = "/api/phonehub";

    private readonly string _directory;

    private RestTestHost(WebApplication app, string directory, CapturingLoggerProvider logs)
    {
        App = app;
        _directory = directory;
        Logs = logs;
    }

    public WebApplication App { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => App.Services;

    public IPhoneHub Hub => Services.GetRequiredService<IPhoneHub>();

    public static async Task<RestTestHost> StartAsync(
        bool withEncryptionKey = true,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? configureApp = null,
        Action<WebApplicationBuilder>? configureBeforePhoneHub = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-rest-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var logs = new CapturingLoggerProvider();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });

        // Hermetic: the machine's environment variables (PhoneHub__..., ASPNETCORE_...) must not reach the host.
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        configureBeforePhoneHub?.Invoke(builder);
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
        builder.Services.AddPhoneHub(o =>
            {
                o.EncryptionKey = withEncryptionKey ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null;
                o.EncryptionKeyEnvironmentVariable = null;
            })
            .UseSqlite($"Data Source={Path.Combine(directory, "phonehub.db")}")
            .AddTwilio()
            .AddAws()
            .AddAspNetCore();
        builder.Services.Configure<PhoneHub.Verification.VerificationOptions>(o => o.CodeKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPhoneHub();
        configureApp?.Invoke(app);
        await app.StartAsync().ConfigureAwait(false);
        return new RestTestHost(app, directory, logs);
    }

    /// <summary>A client for an authenticated caller; <paramref name="user"/> null means anonymous.</summary>
    public HttpClient Client(string? user, string? group, params string[] permissions)
    {
        var client = App.GetTestClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(TestAuthHandler.UserHeader, user);
            if (group is not null)
            {
                client.DefaultRequestHeaders.Add(TestAuthHandler.GroupHeader, group);
            }

            if (permissions.Length > 0)
            {
                client.DefaultRequestHeaders.Add(TestAuthHandler.PermissionsHeader, string.Join(',', permissions));
            }
        }

        return client;
    }

    public HttpClient Admin(string? group) => Client("admin", group, [.. PhoneHubPermissions.All]);

    public async Task<PhoneConfig> CreateConfigAsync(string? group, string? name = null, bool testMode = true, string provider = PhoneProviders.Twilio, IReadOnlyDictionary<string, string>? settings = null) =>
        (await Hub.Configs.CreateAsync(new PhoneConfig
        {
            Group = group,
            Name = name ?? $"config-{Guid.NewGuid():N}",
            TestMode = testMode,
            Provider = provider,
            IsActive = true,
            Settings = settings ?? new Dictionary<string, string>(),
        })).Config;

    /// <summary>
    /// Writes a config straight to the store, as a host that registered <paramref name="provider"/> would have: configs are
    /// validated on write, so this is how a config can name a provider this host lacks.
    /// </summary>
    public async Task<PhoneConfig> InsertConfigAsOtherHostAsync(string? group, string provider)
    {
        var now = DateTimeOffset.UtcNow;
        return (await Services.GetRequiredService<IPhoneConfigStore>().InsertAsync(new PhoneConfig
        {
            Group = group,
            Name = provider,
            Provider = provider,
            IsActive = true,
            Created = now,
            Modified = now,
        }).ConfigureAwait(false)).Config;
    }

    public async Task<SmsMessage> CreateMessageAsync(string? group, string body, string to = "+14155552671", SmsDirection direction = SmsDirection.Outbound)
    {
        var store = Services.GetRequiredService<ISmsStore>();
        var now = DateTimeOffset.UtcNow;
        return await store.InsertAsync(new SmsMessage
        {
            Group = group,
            User = "seed",
            Direction = direction,
            From = "+14155550100",
            To = to,
            Body = body,
            Status = direction == SmsDirection.Inbound ? SmsStatus.Received : SmsStatus.Sent,
            Provider = "test",
            ProviderMessageId = "SM" + Guid.NewGuid().ToString("N"),
            Created = now,
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

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!;

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/> and, when given, the <c>code</c> extension.</summary>
    public static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, int status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonNode.Parse(text)!;
        Assert.That((int?)problem["status"], Is.EqualTo(status));
        Assert.That((string?)problem["title"], Is.Not.Null.And.Not.Empty);
        if (code is not null)
        {
            Assert.That((string?)problem["code"], Is.EqualTo(code), text);
        }

        Assert.That(text, Does.Not.Contain("   at "), "no stack trace");
        return problem;
    }
}

/// <summary>Authenticates from test headers: user, group and comma-separated permissions become claims.</summary>
public sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string UserHeader = "X-Test-User";
    public const string GroupHeader = "X-Test-Group";
    public const string PermissionsHeader = "X-Test-Permissions";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers[UserHeader].ToString();
        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user) };
        var group = Request.Headers[GroupHeader].ToString();
        if (!string.IsNullOrEmpty(group))
        {
            claims.Add(new Claim(PhoneHubClaimTypes.Group, group));
        }

        foreach (var permission in Request.Headers[PermissionsHeader].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            claims.Add(new Claim(PhoneHubClaimTypes.Permission, permission));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>Keeps every log line (message, state values and exception text) for leak checks.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{category} [{logLevel}] {eventId.Id} {formatter(state, exception)} {{{values}}} {exception}");
        }
    }
}
