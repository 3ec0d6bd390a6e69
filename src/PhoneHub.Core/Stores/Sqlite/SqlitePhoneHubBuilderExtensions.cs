using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PhoneHub.Stores.Sqlite;

/// <summary>Chooses the SQLite store (Dapper + Microsoft.Data.Sqlite), PhoneHub's default.</summary>
public static class SqlitePhoneHubBuilderExtensions
{
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
        services.AddOptions<SqliteStoreOptions>();
        services.TryAddSingleton<SqliteDatabase>();
        Add<IPhoneNumberStore, SqlitePhoneNumberStore>(services, replace);
        Add<ISmsStore, SqliteSmsStore>(services, replace);
        Add<IPhoneConfigStore, SqlitePhoneConfigStore>(services, replace);
    }

    private static void Add<TService, TImplementation>(IServiceCollection services, bool replace)
        where TService : class
        where TImplementation : class, TService
    {
        if (replace)
        {
            services.Replace(ServiceDescriptor.Singleton<TService, TImplementation>());
        }
        else
        {
            services.TryAddSingleton<TService, TImplementation>();
        }
    }
}
