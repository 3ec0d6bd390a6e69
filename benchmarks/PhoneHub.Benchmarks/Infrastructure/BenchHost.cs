using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.Benchmarks.Infrastructure;

/// <summary>A real PhoneHub container on a temporary SQLite file, the way a host builds it.</summary>
internal sealed class BenchHost : IDisposable
{
    private BenchHost(string directory, string connectionString, ServiceProvider services)
    {
        Directory = directory;
        ConnectionString = connectionString;
        Services = services;
    }

    public string Directory { get; }

    /// <summary>The connection string PhoneHub's store uses (pooled, same busy timeout), for baselines on the same file.</summary>
    public string ConnectionString { get; }

    public ServiceProvider Services { get; }

    public IPhoneHub Hub => Services.GetRequiredService<IPhoneHub>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static BenchHost Create(Action<PhoneHubOptions>? configureOptions = null, Action<IPhoneHubBuilder>? configureBuilder = null, Action<IServiceCollection>? configureServices = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "phonehub-bench", Guid.NewGuid().ToString("N"));
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
        var connectionString = new SqliteConnectionStringBuilder($"Data Source={file}") { Pooling = true, DefaultTimeout = 30 }.ToString();
        return new BenchHost(directory, connectionString, provider);
    }

    /// <summary>Creates the active default config (test mode unless a provider is given) and returns it.</summary>
    public async Task<PhoneConfig> AddDefaultConfigAsync(string provider = PhoneProviders.Twilio, bool testMode = true, string? ownNumber = "+14155550100")
    {
        await Get<SqliteDatabase>().MigrateAsync();
        return await Hub.Configs.CreateAsync(new PhoneConfig
        {
            Name = "bench",
            Provider = provider,
            TestMode = testMode,
            TwilioFromNumber = ownNumber,
            LookupEnabled = true,
            LookupCacheDays = 30,
        });
    }

    public void Dispose()
    {
        Services.Dispose();
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
