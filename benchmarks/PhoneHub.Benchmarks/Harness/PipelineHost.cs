using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneHub.Configuration;
using PhoneHub.Providers.Twilio;
using PhoneHub.Security;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>
/// A generic host as an application builds one: PhoneHub on a SQLite file, its own Twilio provider pointed at a mock,
/// and the background dispatcher (<c>PhoneHub:Dispatch:*</c> settings given in memory, nothing read from the
/// environment). Used by the <c>crash</c> and <c>rate</c> harnesses.
/// </summary>
internal static class PipelineHost
{
    /// <summary>The sender every harness message goes from (a long code; its pace is the config's <c>SendRate</c>).</summary>
    public const string FromNumber = "+14155550100";

    // A fixed key: the crash harness's second process must read the credentials the first one stored.
    private static readonly string EncryptionKey = Convert.ToBase64String(new byte[32]);

    public static IHost Build(string databaseFile, Uri providerBaseUrl, IReadOnlyDictionary<string, string> dispatch)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(dispatch.Select(p => new KeyValuePair<string, string?>("PhoneHub:Dispatch:" + p.Key, p.Value)));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPhoneHub(o => o.EncryptionKey = EncryptionKey)
            .UseSqlite($"Data Source={databaseFile}")
            .AddTwilio(o => o.ApiBaseUrl = providerBaseUrl);
        return builder.Build();
    }

    /// <summary>Creates the active, live (not test-mode) Twilio default config with stored credentials, paced at <paramref name="sendRate"/>.</summary>
    public static async Task<PhoneConfig> AddLiveConfigAsync(IHost host, double sendRate)
    {
        var configs = host.Services.GetRequiredService<IPhoneConfigService>();
        var config = (await configs.CreateAsync(new PhoneConfig
        {
            Name = "pipeline harness",
            Provider = PhoneProviders.Twilio,
            TestMode = false,
            IsActive = true,
            Settings = new Dictionary<string, string> { ["from_number"] = FromNumber },
            SendRate = sendRate,
        })).Config;
        await configs.SetCredentialsAsync(config.Id, ProviderCredentials.ForTwilio(MockProviderServer.AccountSid, MockProviderServer.AuthToken));
        return config;
    }

    /// <summary>A connection of the harness's own (no pool), to read the database while a host writes it.</summary>
    public static async Task<SqliteConnection> OpenReaderAsync(string databaseFile)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Rows still in the send pipeline: waiting, claimed or with a provider call started, or queued without a provider
    /// id. A message the provider took is <c>queued</c> (Twilio's word for accepted) with its id, and out of the pipeline.
    /// </summary>
    public const string NotFinalWhere =
        "direction = 'outbound' AND (due_at IS NOT NULL OR call_started_at IS NOT NULL OR lease_owner IS NOT NULL " +
        "OR (status IN ('queued', 'scheduled') AND provider_message_id IS NULL))";

    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
