using Npgsql;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>Settings of the PostgreSQL store, bound from <c>PhoneHub:PostgreSql</c>.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The schema PhoneHub creates its tables in when none is set.</summary>
    public const string DefaultSchema = "phonehub";

    /// <summary>
    /// An Npgsql connection string, for example <c>Host=db;Database=app;Username=app;Password=...</c>. When neither this
    /// nor <see cref="DataSource"/> is set in code or in <c>PhoneHub:PostgreSql</c>, <c>ConnectionStrings:PhoneHub</c> is used.
    /// PhoneHub builds one pooled <see cref="NpgsqlDataSource"/> from it and disposes it with the container.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A data source the host already has (and disposes itself); when set, <see cref="ConnectionString"/> is not used.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// The schema every PhoneHub table, index and the migration record live in; created when missing. An unquoted
    /// identifier: a letter or underscore, then letters, digits or underscores, at most 63 characters, not starting with
    /// <c>pg_</c>. Default <see cref="DefaultSchema"/>.
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;
}
