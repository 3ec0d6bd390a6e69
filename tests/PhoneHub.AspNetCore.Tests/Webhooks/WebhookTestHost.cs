using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Security;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.AspNetCore.Tests.Webhooks;

/// <summary>
/// A real ASP.NET Core host (TestServer) with PhoneHub on a temporary SQLite file, <c>MapPhoneHub()</c>, captured logs,
/// and a fake handler behind the SNS certificate client.
/// </summary>
public sealed class WebhookTestHost : IAsyncDisposable
{
    public const string Prefix = "/api/phonehub";

    private readonly string _directory;

    private WebhookTestHost(WebApplication app, string directory, string connectionString, CapturingLoggerProvider logs, FakeSnsHandler sns, FakeAwsSmsHandler awsSms)
    {
        App = app;
        _directory = directory;
        ConnectionString = connectionString;
        Logs = logs;
        Sns = sns;
        AwsSms = awsSms;
    }

    public WebApplication App { get; }

    /// <summary>A client of the test server, available once the host has started.</summary>
    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString { get; }

    public CapturingLoggerProvider Logs { get; }

    public FakeSnsHandler Sns { get; }

    /// <summary>Stands in for AWS End User Messaging SMS behind the aws-sms send client.</summary>
    public FakeAwsSmsHandler AwsSms { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<WebhookTestHost> StartAsync(
        Action<PhoneHubOptions>? configureHub = null,
        Action<PhoneHubWebhookOptions>? configureWebhooks = null,
        bool forwardedHeaders = false,
        IInboundSmsHandler? handler = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-webhook-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var connectionString = $"Data Source={Path.Combine(directory, "phonehub.db")}";
        var logs = new CapturingLoggerProvider();
        var sns = new FakeSnsHandler();
        var awsSms = new FakeAwsSmsHandler();

        var builder = WebApplication.CreateSlimBuilder();

        // Hermetic: the machine's environment variables must not reach the host.
        builder.Configuration.Sources.Clear();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddProblemDetails();

        // The REST routes beside the webhooks need a scheme; the webhooks themselves are anonymous.
        builder.Services.AddAuthentication(Rest.Infrastructure.TestAuthHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Rest.Infrastructure.TestAuthHandler>(Rest.Infrastructure.TestAuthHandler.SchemeName, null);
        builder.Services
            .AddPhoneHub(o =>
            {
                o.EncryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                o.EncryptionKeyEnvironmentVariable = null;
                configureHub?.Invoke(o);
            })
            .UseSqlite(connectionString)
            .AddTwilio()
            .AddAws()
            .AddAwsSms(o => o.ServiceUrl = FakeAwsSmsHandler.Url)
            .AddAspNetCore()
            .ConfigureWebhooks(o => configureWebhooks?.Invoke(o));
        builder.Services.AddHttpClient(PhoneHubWebhookOptions.SnsHttpClientName).ConfigurePrimaryHttpMessageHandler(() => sns);
        builder.Services.AddHttpClient(AwsSmsPhoneHubBuilderExtensions.SendHttpClientName).ConfigurePrimaryHttpMessageHandler(() => awsSms);
        configureServices?.Invoke(builder.Services);
        if (handler is not null)
        {
            builder.Services.AddSingleton(handler);
        }

        if (forwardedHeaders)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                // The test server has no remote address to match against a known proxy.
                o.KnownIPNetworks.Clear();
                o.KnownProxies.Clear();
            });
        }

        var app = builder.Build();
        if (forwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        app.MapPhoneHub(Prefix);
        var host = new WebhookTestHost(app, directory, connectionString, logs, sns, awsSms);
        try
        {
            await app.StartAsync();
            host.Client = app.GetTestClient();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates an active config for <paramref name="group"/> with stored credentials.</summary>
    public async Task<PhoneConfig> AddTwilioConfigAsync(string group, string fromNumber, string accountSid, string authToken)
    {
        var configs = Get<IPhoneConfigService>();
        var config = (await configs.CreateAsync(new PhoneConfig
        {
            Name = group,
            Group = group,
            Provider = PhoneProviders.Twilio,
            IsActive = true,
            Settings = new Dictionary<string, string> { ["from_number"] = fromNumber },
        })).Config;
        await configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio(accountSid, authToken));
        return (await configs.GetAsync(config.Id))!;
    }

    public async Task<PhoneConfig> AddAwsConfigAsync(string group, string originationNumber, string? topicArn = null)
    {
        var configs = Get<IPhoneConfigService>();
        var settings = new Dictionary<string, string> { ["region"] = "us-east-1", ["origination_number"] = originationNumber };
        if (topicArn is not null)
        {
            settings["topic_arns"] = topicArn;
        }

        return (await configs.CreateAsync(new PhoneConfig { Name = group, Group = group, Provider = PhoneProviders.Aws, IsActive = true, Settings = settings })).Config;
    }

    /// <summary>Creates an active aws-sms config for <paramref name="group"/> owning <paramref name="topicArn"/>, with a stored access key.</summary>
    public async Task<PhoneConfig> AddAwsSmsConfigAsync(string group, string originationNumber, string topicArn, bool testMode = false)
    {
        var configs = Get<IPhoneConfigService>();
        var config = (await configs.CreateAsync(new PhoneConfig
        {
            Name = group,
            Group = group,
            Provider = PhoneProviders.AwsSms,
            IsActive = true,
            TestMode = testMode,
            Settings = new Dictionary<string, string> { ["region"] = "us-east-1", ["origination_number"] = originationNumber, ["topic_arns"] = topicArn },
        })).Config;

        // Stored credentials, so the provider never looks at the machine's default chain.
        await configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForAws("AKIDWEBHOOKTEST", "webhook-test-secret"));
        return (await configs.GetAsync(config.Id))!;
    }

    /// <summary>Counts stored messages with a provider id, straight from the database.</summary>
    public async Task<long> CountRowsAsync(string provider, string providerMessageId)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sms_messages WHERE provider = $provider AND provider_message_id = $id";
        command.Parameters.AddWithValue("$provider", provider);
        command.Parameters.AddWithValue("$id", providerMessageId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
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

/// <summary>Keeps every log line (message, state values and exception text) for leak checks.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {{{values}}} {exception}");
        }
    }
}

/// <summary>Stands in for SNS's certificate host and subscription endpoint; records every request.</summary>
public sealed class FakeSnsHandler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, string> _certificates = new(StringComparer.Ordinal);

    public ConcurrentQueue<Uri> Requests { get; } = new();

    public void ServeCertificate(string url, string pem) => _certificates[url] = pem;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!);
        if (_certificates.TryGetValue(request.RequestUri!.AbsoluteUri, out var pem))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(pem) });
        }

        if (request.RequestUri.Query.Contains("Action=ConfirmSubscription", StringComparison.Ordinal))
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<ConfirmSubscriptionResponse/>") });
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
    }
}

/// <summary>Records calls and answers a fixed reply.</summary>
public sealed class RecordingInboundHandler(string? reply) : IInboundSmsHandler
{
    private int _calls;

    public int Calls => _calls;

    public ValueTask<string?> HandleAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(reply);
    }
}

/// <summary>
/// Stands in for AWS End User Messaging SMS: answers every call with a message id of its own (aws-msg-1, aws-msg-2, ...),
/// and records the action. With <see cref="HoldAnswers"/> on, answers wait for <see cref="Release"/>, so a test can
/// deliver an event while the send that will store its id is still in flight.
/// </summary>
public sealed class FakeAwsSmsHandler : HttpMessageHandler
{
    public static readonly Uri Url = new("http://aws-sms.test/");

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public ConcurrentQueue<string> Actions { get; } = new();

    public bool HoldAnswers { get; set; }

    /// <summary>Completes when a request has arrived (and, with <see cref="HoldAnswers"/>, is waiting).</summary>
    public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Actions.Enqueue(request.Headers.TryGetValues("X-Amz-Target", out var target) ? target.Single() : "");
        var id = $"aws-msg-{Interlocked.Increment(ref _count)}";
        Arrived.TrySetResult();
        if (HoldAnswers)
        {
            await _release.Task.WaitAsync(cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"MessageId":"{{id}}"}""", System.Text.Encoding.UTF8, "application/x-amz-json-1.0"),
        };
    }
}
