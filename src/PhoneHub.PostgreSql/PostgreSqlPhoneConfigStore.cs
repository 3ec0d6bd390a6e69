using System.Text.Json;
using Dapper;
using Npgsql;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using static PhoneHub.Stores.PostgreSql.PostgreSqlValues;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL implementation of <see cref="IPhoneConfigStore"/>.</summary>
/// <remarks>The SQL is internal so the index tests can EXPLAIN exactly what the store runs (see README.md).</remarks>
internal sealed class PostgreSqlPhoneConfigStore : IPhoneConfigStore, IPostgreSqlStore
{
    private const string ActiveIdentityIndex = "ux_phone_config_identities_active";

    // The credentials column is never selected here: only its presence. Identities come along as one JSON array per
    // config, so a config is always one row and one query.
    private const string Columns =
        "c.id, c.group_id, c.name, c.is_active, c.provider, c.settings::text AS settings, c.lookup_enabled, c.lookup_cache_days, c.test_mode, " +
        "c.fallback_config_id, c.send_rate, c.account_send_rate, " +
        "(c.credentials IS NOT NULL) AS has_credentials, c.created, c.modified, " +
        "(SELECT json_agg(json_build_array(i.kind, i.value))::text FROM {schema}.phone_config_identities i WHERE i.config_id = c.id) AS identities";

    internal const string SelectByIdSql = $"SELECT {Columns} FROM {{schema}}.phone_configs c WHERE c.id = @id;";

    internal const string SelectActiveSql =
        $"SELECT {Columns} FROM {{schema}}.phone_configs c WHERE c.is_active AND coalesce(c.group_id, '') = coalesce(@group_id, '');";

    internal const string SelectByIdentitySql = $$"""
        SELECT {{Columns}} FROM {schema}.phone_config_identities x JOIN {schema}.phone_configs c ON c.id = x.config_id
        WHERE x.kind = @kind AND x.value = @value AND x.is_active;
        """;

    internal const string ListSql = $$"""
        SELECT {{Columns}} FROM {schema}.phone_configs c
        WHERE (@all_groups OR coalesce(c.group_id, '') = coalesce(@group_id, ''))
          AND (@provider IS NULL OR c.provider = @provider)
          AND (NOT @active_only OR c.is_active)
        ORDER BY c.id;
        """;

    // Config writes take turns, one schema-wide lock held to the end of the transaction. Per-group turns are not enough:
    // a write releases the identities of the configs it deactivates and claims its own, so two writes in different
    // groups that each claim what the other releases would wait on each other's rows (a deadlock, SQLSTATE 40P01).
    // Config writes are rare administrative steps; taking turns costs nothing, and two activations in one group can
    // no longer both find no other active config.
    internal const string LockConfigWritesSql = "SELECT pg_advisory_xact_lock(@lock_class, hashtext(@lock_scope));";

    internal const string DeactivateOthersSql =
        "UPDATE {schema}.phone_configs SET is_active = false, modified = @modified WHERE is_active AND coalesce(group_id, '') = coalesce(@group_id, '') AND id <> @id RETURNING id;";

    internal const string ReleaseIdentitiesSql = "UPDATE {schema}.phone_config_identities SET is_active = false WHERE config_id = ANY(@ids);";

    internal const string DeleteIdentitiesSql = "DELETE FROM {schema}.phone_config_identities WHERE config_id = @id;";

    internal const string InsertIdentitySql =
        "INSERT INTO {schema}.phone_config_identities (config_id, kind, value, is_active) VALUES (@config_id, @kind, @value, @is_active);";

    internal const string InsertSql = """
        INSERT INTO {schema}.phone_configs (group_id, name, is_active, provider, settings, lookup_enabled, lookup_cache_days, test_mode,
            fallback_config_id, send_rate, account_send_rate, created, modified)
        VALUES (@group_id, @name, @is_active, @provider, CAST(@settings AS jsonb), @lookup_enabled, @lookup_cache_days, @test_mode,
            @fallback_config_id, @send_rate, @account_send_rate, @created, @modified)
        RETURNING id;
        """;

    internal const string UpdateSql = """
        UPDATE {schema}.phone_configs SET group_id = @group_id, name = @name, is_active = @is_active, provider = @provider, settings = CAST(@settings AS jsonb),
            lookup_enabled = @lookup_enabled, lookup_cache_days = @lookup_cache_days, test_mode = @test_mode,
            fallback_config_id = @fallback_config_id, send_rate = @send_rate, account_send_rate = @account_send_rate, modified = @modified
        WHERE id = @id
        RETURNING id;
        """;

    // Identities go with the config (ON DELETE CASCADE).
    internal const string DeleteSql = "DELETE FROM {schema}.phone_configs WHERE id = @id;";

    internal const string SetCredentialsSql = "UPDATE {schema}.phone_configs SET credentials = @ciphertext WHERE id = @id;";

    internal const string GetCredentialsSql = "SELECT credentials FROM {schema}.phone_configs WHERE id = @id;";

    private readonly PostgreSqlDatabase _database;
    private readonly string _selectById;
    private readonly string _selectActive;
    private readonly string _selectByIdentity;
    private readonly string _list;
    private readonly string _deactivateOthers;
    private readonly string _releaseIdentities;
    private readonly string _deleteIdentities;
    private readonly string _insertIdentity;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;
    private readonly string _setCredentials;
    private readonly string _getCredentials;

    public PostgreSqlPhoneConfigStore(PostgreSqlDatabase database)
    {
        _database = database;
        _selectById = database.Qualify(SelectByIdSql);
        _selectActive = database.Qualify(SelectActiveSql);
        _selectByIdentity = database.Qualify(SelectByIdentitySql);
        _list = database.Qualify(ListSql);
        _deactivateOthers = database.Qualify(DeactivateOthersSql);
        _releaseIdentities = database.Qualify(ReleaseIdentitiesSql);
        _deleteIdentities = database.Qualify(DeleteIdentitiesSql);
        _insertIdentity = database.Qualify(InsertIdentitySql);
        _insert = database.Qualify(InsertSql);
        _update = database.Qualify(UpdateSql);
        _delete = database.Qualify(DeleteSql);
        _setCredentials = database.Qualify(SetCredentialsSql);
        _getCredentials = database.Qualify(GetCredentialsSql);
    }

    public async Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(connection, null, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PhoneConfig>> ListAsync(PhoneConfigQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            _list,
            new { all_groups = query.AllGroups, group_id = query.Group, provider = query.Provider, active_only = query.ActiveOnly },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToModel())];
    }

    public async Task<PhoneConfig?> FindActiveAsync(string? group, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_selectActive, new { group_id = group }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneConfig?> FindByIdentityAsync(ProviderIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity.Kind);
        ArgumentException.ThrowIfNullOrEmpty(identity.Value);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            _selectByIdentity, new { kind = identity.Kind, value = identity.Value }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneConfigWriteResult> InsertAsync(PhoneConfig config, CancellationToken cancellationToken = default) =>
        (await WriteAsync(config, insert: true, cancellationToken).ConfigureAwait(false))!;

    public Task<PhoneConfigWriteResult?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default) =>
        WriteAsync(config, insert: false, cancellationToken);

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockConfigWritesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(_delete, new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    public async Task<bool> SetCredentialsAsync(long id, byte[]? ciphertext, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(_setCredentials, new { id, ciphertext }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task<byte[]?> GetCredentialsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(_getCredentials, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task<PhoneConfigWriteResult?> WriteAsync(PhoneConfig config, bool insert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var parameters = Row.From(config);
        var deactivated = new List<long>();
        await LockConfigWritesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (config.IsActive)
        {
            deactivated.AddRange(await connection.QueryAsync<long>(new CommandDefinition(
                _deactivateOthers, new { parameters.group_id, parameters.modified, id = insert ? -1L : config.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false));
            if (deactivated.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(_releaseIdentities, new { ids = deactivated.ToArray() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(insert ? _insert : _update, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (id is null)
        {
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(_deleteIdentities, new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

        // One order, so the stored list and any error name identities the same way on every run.
        var identities = config.Identities.Distinct().ToList();
        identities.Sort(ProviderIdentity.Compare);
        foreach (var identity in identities)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    _insertIdentity, new { config_id = id, kind = identity.Kind, value = identity.Value, parameters.is_active }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (IsUniqueViolation(ex, ActiveIdentityIndex))
            {
                // The unique index, not a read beforehand, decides: of two concurrent claims only one commits. The
                // transaction is rolled back on dispose, so nothing of this write is stored.
                throw new ProviderIdentityConflictException(identity, ex);
            }
        }

        var stored = await GetAsync(connection, transaction, id.Value, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PhoneConfigWriteResult(stored!, deactivated);
    }

    private Task<int> LockConfigWritesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            LockConfigWritesSql,
            new { lock_class = PostgreSqlDatabase.ConfigWriteLockClass, lock_scope = _database.Schema },
            transaction,
            cancellationToken: cancellationToken));

    private async Task<PhoneConfig?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_selectById, new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

#pragma warning disable IDE1006, CA1707
    private sealed class Row
    {
        public long id { get; set; }
        public string? group_id { get; set; }
        public string name { get; set; } = "";
        public bool is_active { get; set; }
        public string provider { get; set; } = "";
        public string settings { get; set; } = "{}";
        public bool lookup_enabled { get; set; }
        public int lookup_cache_days { get; set; }
        public bool test_mode { get; set; }
        public long? fallback_config_id { get; set; }
        public double? send_rate { get; set; }
        public double? account_send_rate { get; set; }
        public bool has_credentials { get; set; }
        public DateTimeOffset created { get; set; }
        public DateTimeOffset modified { get; set; }
        public string? identities { get; set; }

        public static Row From(PhoneConfig c) => new()
        {
            id = c.Id,
            group_id = c.Group,
            name = c.Name,
            is_active = c.IsActive,
            provider = c.Provider,
            settings = MapToDb(c.Settings) ?? "{}",
            lookup_enabled = c.LookupEnabled,
            lookup_cache_days = c.LookupCacheDays,
            test_mode = c.TestMode,
            fallback_config_id = c.FallbackConfigId,
            send_rate = c.SendRate,
            account_send_rate = c.AccountSendRate,
            created = ToDb(c.Created),
            modified = ToDb(c.Modified),
        };

        public PhoneConfig ToModel() => new()
        {
            Id = id,
            Group = group_id,
            Name = name,
            IsActive = is_active,
            Provider = provider,
            Settings = MapFromDb(settings) ?? new Dictionary<string, string>(),
            Identities = IdentitiesFromDb(identities),
            LookupEnabled = lookup_enabled,
            LookupCacheDays = lookup_cache_days,
            TestMode = test_mode,
            FallbackConfigId = fallback_config_id,
            SendRate = send_rate,
            AccountSendRate = account_send_rate,
            HasCredentials = has_credentials,
            Created = created,
            Modified = modified,
        };

        private static List<ProviderIdentity> IdentitiesFromDb(string? json)
        {
            var pairs = json is null ? null : JsonSerializer.Deserialize(json, PostgreSqlJsonContext.Default.ListListString);
            var list = pairs is null ? [] : pairs.Where(p => p.Count == 2).Select(p => new ProviderIdentity(p[0], p[1])).ToList();
            list.Sort(ProviderIdentity.Compare);
            return list;
        }
    }
#pragma warning restore IDE1006, CA1707
}
