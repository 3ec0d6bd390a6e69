using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using PhoneHub.Stores.Sqlite;

namespace PhoneHub.Tests.Infrastructure;

/// <summary>
/// A real PhoneHub container on a temporary SQLite file, with a fake clock and a fresh encryption key. Two hosts can
/// share one database (two processes on one file, as far as PhoneHub can tell): the first owns and deletes it.
/// </summary>
public sealed class PhoneHubTestHost : IDisposable
{
    /// <summary>A millisecond-aligned start time (the store keeps milliseconds).</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly bool _ownsDb;

    private PhoneHubTestHost(TempSqliteDatabase db, bool ownsDb, FakeTimeProvider time, ServiceProvider services, string key)
    {
        Db = db;
        _ownsDb = ownsDb;
        Time = time;
        Services = services;
        EncryptionKey = key;
    }

    public TempSqliteDatabase Db { get; }

    public FakeTimeProvider Time { get; }

    public ServiceProvider Services { get; }

    public string EncryptionKey { get; }

    public IPhoneHub Hub => Services.GetRequiredService<IPhoneHub>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static PhoneHubTestHost Create(
        Action<IPhoneHubBuilder>? configureBuilder = null,
        Action<PhoneHubOptions>? configureOptions = null,
        Action<IServiceCollection>? configureServices = null,
        bool withEncryptionKey = true,
        PhoneHubTestHost? sameDeploymentAs = null)
    {
        // A second host of one deployment: its own container (memory tiers, dispatcher), the first one's database,
        // clock and encryption key.
        var db = sameDeploymentAs?.Db ?? new TempSqliteDatabase();
        var time = sameDeploymentAs?.Time ?? new FakeTimeProvider(Start);
        var key = sameDeploymentAs?.EncryptionKey ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        var builder = services.AddPhoneHub(o =>
        {
            o.EncryptionKey = withEncryptionKey ? key : null;

            // Hermetic: a key in the machine's environment must not change what the tests see.
            o.EncryptionKeyEnvironmentVariable = null;
            configureOptions?.Invoke(o);
        }).UseSqlite(db.ConnectionString);
        // The clock is fake and only moves when a test moves it: sends are not paced, and a throttled inline send is
        // left queued instead of waiting for the clock, unless a test asks otherwise.
        services.Configure<PhoneHub.Messaging.Dispatch.SmsDispatchOptions>(o =>
        {
            o.PaceSenders = false;
            o.InlineThrottleRetries = 0;
        });
        configureBuilder?.Invoke(builder);
        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new PhoneHubTestHost(db, sameDeploymentAs is null, time, provider, key);
    }

    public void Dispose()
    {
        Services.Dispose();
        if (_ownsDb)
        {
            Db.Dispose();
        }
    }
}
