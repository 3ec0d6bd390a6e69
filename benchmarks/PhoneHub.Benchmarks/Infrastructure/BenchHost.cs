using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;

namespace PhoneHub.Benchmarks.Infrastructure;

/// <summary>A real PhoneHub container on a temporary SQLite file, the way a host builds it.</summary>
internal sealed class BenchHost : IDisposable
{
    // Handles of the baselines' own pool that already have PhoneHub's synchronous setting.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];

    private readonly bool _ownsDirectory;

    private BenchHost(string directory, bool ownsDirectory, string connectionString, ServiceProvider services)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        ConnectionString = connectionString;
        Services = services;
    }

    public string Directory { get; }

    /// <summary>
    /// A connection string to the same file with the settings PhoneHub's store uses, but its own pool (the busy timeout
    /// differs by a second), so a baseline's connections are configured by the baseline alone.
    /// </summary>
    public string ConnectionString { get; }

    public ServiceProvider Services { get; }

    public IPhoneHub Hub => Services.GetRequiredService<IPhoneHub>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// A host on a new database file, or with <paramref name="sameDeploymentAs"/> a second host of that one's deployment:
    /// its own container (memory tiers, connections), the first one's database file, which the first one deletes.
    /// </summary>
    public static BenchHost Create(Action<PhoneHubOptions>? configureOptions = null, Action<IPhoneHubBuilder>? configureBuilder = null, Action<IServiceCollection>? configureServices = null, BenchHost? sameDeploymentAs = null)
    {
        var directory = sameDeploymentAs?.Directory ?? Path.Combine(Path.GetTempPath(), "phonehub-bench", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "phonehub.db");
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddPhoneHub(o =>
        {
            o.EncryptionKey = Convert.ToBase64String(new byte[32]);
            configureOptions?.Invoke(o);
        }).UseSqlite($"Data Source={file}");
        configureBuilder?.Invoke(builder);
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider();

        // The same settings SqliteDatabase applies, so a baseline opens the same kind of pooled connection.
        var connectionString = new SqliteConnectionStringBuilder($"Data Source={file}") { Pooling = true, DefaultTimeout = 31 }.ToString();
        return new BenchHost(directory, sameDeploymentAs is null, connectionString, provider);
    }

    /// <summary>
    /// Opens a pooled connection for a hand-written baseline, with the same <c>synchronous</c> setting PhoneHub's store
    /// uses (NORMAL), applied once per pooled handle as PhoneHub does.
    /// </summary>
    public async Task<SqliteConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            await command.ExecuteNonQueryAsync();
            _configured.AddOrUpdate(handle, this);
        }

        return connection;
    }

    /// <summary>Creates the active default config (the test provider unless another is given) and returns it.</summary>
    public async Task<PhoneConfig> AddDefaultConfigAsync(string provider = PhoneProviders.Test, bool testMode = true, string? ownNumber = "+14155550100")
    {
        await Services.MigratePhoneHubAsync();
        var settings = new Dictionary<string, string>();
        if (ownNumber is not null && provider is PhoneProviders.Test or PhoneProviders.Twilio)
        {
            settings["from_number"] = ownNumber;
        }

        return (await Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "bench",
            Provider = provider,
            TestMode = testMode,
            IsActive = true,
            Settings = settings,
            LookupEnabled = true,
            LookupCacheDays = 30,
        })).Config;
    }

    public void Dispose()
    {
        Services.Dispose();
        if (!_ownsDirectory)
        {
            return;
        }

        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger; the temp folder is the OS's to clean.
        }
    }
}
