using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using PhoneHub;
using PhoneHub.Stores;
using PhoneHub.Stores.PostgreSql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Chooses PhoneHub's PostgreSQL stores (Npgsql + Dapper) instead of the SQLite default: every store interface and the
/// migrator, so a host's data never splits across two databases.
/// </summary>
/// <remarks>
/// Settings come from configuration first (<c>ConnectionStrings:PhoneHub</c>, then the <c>PhoneHub:PostgreSql</c>
/// section), then from code, so a value passed here wins. The schema is created and migrated when the host starts; an
/// unreachable server or a database newer than this version of PhoneHub stops the start with a message saying so.
/// </remarks>
public static class PostgreSqlPhoneHubBuilderExtensions
{
    /// <summary>The configuration section the PostgreSQL store's options are bound from.</summary>
    public const string SectionName = "PhoneHub:PostgreSql";

    /// <summary>Stores PhoneHub's data in PostgreSQL, with every setting from configuration.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UsePostgreSql(this IPhoneHubBuilder builder) => builder.UsePostgreSql(static _ => { });

    /// <summary>Stores PhoneHub's data in the PostgreSQL database at <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=app;Username=app;Password=...</c>.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UsePostgreSql(this IPhoneHubBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UsePostgreSql(o => o.ConnectionString = connectionString);
    }

    /// <summary>Stores PhoneHub's data through a data source the host owns (and disposes).</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UsePostgreSql(this IPhoneHubBuilder builder, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder.UsePostgreSql(o => o.DataSource = dataSource);
    }

    /// <summary>Stores PhoneHub's data in PostgreSQL with options set in code.</summary>
    /// <param name="builder">The PhoneHub builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IPhoneHubBuilder UsePostgreSql(this IPhoneHubBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(PostgreSqlDatabase)))
        {
            // Registered before the code's delegate below, so configuration comes first and code wins.
            services.AddOptionsWithValidateOnStart<PostgreSqlStoreOptions>().Configure<IServiceProvider>((options, sp) =>
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
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
            services.AddSingleton<PostgreSqlDatabase>();
        }

        services.Configure(configure);

        // The whole family replaces the SQLite default at once; PhoneHub refuses a mix when the host starts.
        services.Replace(ServiceDescriptor.Singleton<IPhoneHubMigrator>(sp => sp.GetRequiredService<PostgreSqlDatabase>()));
        services.Replace(ServiceDescriptor.Singleton<IPhoneNumberStore, PostgreSqlPhoneNumberStore>());
        services.Replace(ServiceDescriptor.Singleton<ISmsStore, PostgreSqlSmsStore>());
        services.Replace(ServiceDescriptor.Singleton<IPhoneConfigStore, PostgreSqlPhoneConfigStore>());
        return builder;
    }
}
