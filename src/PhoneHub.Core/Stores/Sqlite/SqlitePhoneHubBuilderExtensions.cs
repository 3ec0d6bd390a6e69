using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneHub;
using PhoneHub.Stores;
using PhoneHub.Stores.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the SQLite store (Dapper + Microsoft.Data.Sqlite), PhoneHub's default.</summary>
public static class SqlitePhoneHubBuilderExtensions
{
    /// <summary>The configuration section the SQLite store's options are bound from.</summary>
    public const string SectionName = "PhoneHub:Sqlite";

    /// <summary>Stores PhoneHub's data in the SQLite database at <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="connectionString">For example <c>Data Source=phonehub.db</c>.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UseSqlite(this IPhoneHubBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqlite(o => o.ConnectionString = connectionString);
    }

    /// <summary>Stores PhoneHub's data in SQLite with options set in code.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UseSqlite(this IPhoneHubBuilder builder, Action<SqliteStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.AddSqliteStores(replace: true);
        return builder;
    }

    internal static void AddSqliteStores(this IPhoneHubBuilder builder, bool replace = false)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(SqliteDatabase)))
        {
            // Configuration first (ConnectionStrings:PhoneHub, then PhoneHub:Sqlite), so code passed to UseSqlite(...) wins.
            services.AddOptions<SqliteStoreOptions>().Configure<IServiceProvider>((options, sp) =>
            {
                if (sp.GetService<IConfiguration>() is { } configuration)
                {
                    if (configuration.GetConnectionString("PhoneHub") is { Length: > 0 } connectionString)
                    {
                        options.ConnectionString = connectionString;
                    }

                    configuration.GetSection(SectionName).Bind(options);
                }
            });
            services.AddSingleton<SqliteDatabase>();
        }

        Add<IPhoneHubMigrator, SqliteDatabase>(services, replace, sp => sp.GetRequiredService<SqliteDatabase>());
        Add<IPhoneNumberStore, SqlitePhoneNumberStore>(services, replace);
        Add<ISmsStore, SqliteSmsStore>(services, replace);
        Add<IPhoneConfigStore, SqlitePhoneConfigStore>(services, replace);
        Add<IOptOutStore, SqliteOptOutStore>(services, replace);
        Add<ISmsUsageStore, SqliteUsageStore>(services, replace);
        Add<PhoneHub.Verification.IVerificationStore, SqliteVerificationStore>(services, replace);
    }

    private static void Add<TService, TImplementation>(IServiceCollection services, bool replace, Func<IServiceProvider, TImplementation>? factory = null)
        where TService : class
        where TImplementation : class, TService
    {
        var descriptor = factory is null
            ? ServiceDescriptor.Singleton<TService, TImplementation>()
            : ServiceDescriptor.Singleton<TService>(factory);
        if (replace)
        {
            services.Replace(descriptor);
        }
        else
        {
            services.TryAdd(descriptor);
        }
    }
}
