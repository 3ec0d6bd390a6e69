using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using static PhoneHub.Stores.Sqlite.SqliteValues;

namespace PhoneHub.Stores.Sqlite;

/// <summary>The SQLite implementation of <see cref="IPhoneConfigStore"/>.</summary>
/// <param name="database">The database.</param>
internal sealed class SqlitePhoneConfigStore(SqliteDatabase database) : IPhoneConfigStore, ISqliteStore
{
    // The credentials column is never selected here: only its presence. Identities come along as one JSON array per
    // config, so a config is always one row and one query.
    private const string Columns =
        "c.id, c.group_id, c.name, c.is_active, c.provider, c.settings, c.lookup_enabled, c.lookup_cache_days, c.test_mode, " +
        "c.fallback_config_id, c.send_rate, c.account_send_rate, c.guards, " +
        "(c.credentials IS NOT NULL) AS has_credentials, c.created, c.modified, " +
        "(SELECT json_group_array(json_array(i.kind, i.value)) FROM phone_config_identities i WHERE i.config_id = c.id) AS identities";

    private const string SelectById = $"SELECT {Columns} FROM phone_configs c WHERE c.id = @id;";

    private const string SelectActive =
        $"SELECT {Columns} FROM phone_configs c WHERE c.is_active = 1 AND ifnull(c.group_id, '') = ifnull(@group_id, '');";

    private const string SelectByIdentity = $"""
        SELECT {Columns} FROM phone_config_identities x JOIN phone_configs c ON c.id = x.config_id
        WHERE x.kind = @kind AND x.value = @value AND x.is_active = 1;
        """;

    private const string List = $"""
        SELECT {Columns} FROM phone_configs c
        WHERE (@all_groups = 1 OR ifnull(c.group_id, '') = ifnull(@group_id, ''))
          AND (@provider IS NULL OR c.provider = @provider)
          AND (@active_only = 0 OR c.is_active = 1)
        ORDER BY c.id;
        """;

    private const string DeactivateOthers =
        "UPDATE phone_configs SET is_active = 0, modified = @modified WHERE is_active = 1 AND ifnull(group_id, '') = ifnull(@group_id, '') AND id <> @id RETURNING id;";

    private const string ReleaseIdentities = "UPDATE phone_config_identities SET is_active = 0 WHERE config_id = @id;";

    private const string DeleteIdentities = "DELETE FROM phone_config_identities WHERE config_id = @id;";

    private const string InsertIdentity =
        "INSERT INTO phone_config_identities (config_id, kind, value, is_active) VALUES (@config_id, @kind, @value, @is_active);";

    private const string FindHolder =
        "SELECT 1 FROM phone_config_identities WHERE kind = @kind AND value = @value AND is_active = 1 AND config_id <> @config_id;";

    private const string Insert = """
        INSERT INTO phone_configs (group_id, name, is_active, provider, settings, lookup_enabled, lookup_cache_days, test_mode,
            fallback_config_id, send_rate, account_send_rate, guards, created, modified)
        VALUES (@group_id, @name, @is_active, @provider, @settings, @lookup_enabled, @lookup_cache_days, @test_mode,
            @fallback_config_id, @send_rate, @account_send_rate, @guards, @created, @modified)
        RETURNING id;
        """;

    private const string Update = """
        UPDATE phone_configs SET group_id = @group_id, name = @name, is_active = @is_active, provider = @provider, settings = @settings,
            lookup_enabled = @lookup_enabled, lookup_cache_days = @lookup_cache_days, test_mode = @test_mode,
            fallback_config_id = @fallback_config_id, send_rate = @send_rate, account_send_rate = @account_send_rate, guards = @guards, modified = @modified
        WHERE id = @id
        RETURNING id;
        """;

    public async Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(connection, null, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PhoneConfig>> ListAsync(PhoneConfigQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            List,
            new { all_groups = query.AllGroups, group_id = query.Group, provider = query.Provider, active_only = query.ActiveOnly },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToModel())];
    }

    public async Task<PhoneConfig?> FindActiveAsync(string? group, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectActive, new { group_id = group }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneConfig?> FindByIdentityAsync(ProviderIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity.Kind);
        ArgumentException.ThrowIfNullOrEmpty(identity.Value);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectByIdentity, new { kind = identity.Kind, value = identity.Value }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneConfigWriteResult> InsertAsync(PhoneConfig config, CancellationToken cancellationToken = default) =>
        (await WriteAsync(config, insert: true, cancellationToken).ConfigureAwait(false))!;

    public Task<PhoneConfigWriteResult?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default) =>
        WriteAsync(config, insert: false, cancellationToken);

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        return await database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteIdentities, new { id }, transaction)).ConfigureAwait(false);
            return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM phone_configs WHERE id = @id;", new { id }, transaction)).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> SetCredentialsAsync(long id, byte[]? ciphertext, CancellationToken cancellationToken = default)
    {
        return await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE phone_configs SET credentials = @ciphertext WHERE id = @id;",
            new { id, ciphertext },
            transaction)), cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<byte[]?> GetCredentialsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "SELECT credentials FROM phone_configs WHERE id = @id;", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private Task<PhoneConfigWriteResult?> WriteAsync(PhoneConfig config, bool insert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parameters = Row.From(config);
        return database.WriteAsync(async (connection, transaction) =>
        {
            var deactivated = new List<long>();
            if (config.IsActive)
            {
                deactivated.AddRange(await connection.QueryAsync<long>(new CommandDefinition(
                    DeactivateOthers, new { parameters.group_id, parameters.modified, id = insert ? -1L : config.Id }, transaction)).ConfigureAwait(false));
                foreach (var other in deactivated)
                {
                    await connection.ExecuteAsync(new CommandDefinition(ReleaseIdentities, new { id = other }, transaction)).ConfigureAwait(false);
                }
            }

            var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(insert ? Insert : Update, parameters, transaction)).ConfigureAwait(false);
            if (id is null)
            {
                return null;
            }

            await connection.ExecuteAsync(new CommandDefinition(DeleteIdentities, new { id }, transaction)).ConfigureAwait(false);
            foreach (var identity in config.Identities.Distinct())
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        InsertIdentity, new { config_id = id, kind = identity.Kind, value = identity.Value, parameters.is_active }, transaction)).ConfigureAwait(false);
                }
                catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
                {
                    // The unique index, not a read beforehand, decides: of two concurrent claims only one commits. The
                    // write's savepoint is rolled back, so the refused config leaves nothing behind.
                    throw new ProviderIdentityConflictException(identity, ex);
                }
            }

            var stored = await GetAsync(connection, transaction, id.Value, CancellationToken.None).ConfigureAwait(false);
            return new PhoneConfigWriteResult(stored!, deactivated);
        }, cancellationToken);
    }

    private static async Task<PhoneConfig?> GetAsync(SqliteConnection connection, SqliteTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

#pragma warning disable IDE1006, CA1707
    private sealed class Row
    {
        public long id { get; set; }
        public string? group_id { get; set; }
        public string name { get; set; } = "";
        public long is_active { get; set; }
        public string provider { get; set; } = "";
        public string settings { get; set; } = "{}";
        public long lookup_enabled { get; set; }
        public long lookup_cache_days { get; set; }
        public long test_mode { get; set; }
        public long? fallback_config_id { get; set; }
        public double? send_rate { get; set; }
        public double? account_send_rate { get; set; }
        public string? guards { get; set; }
        public long has_credentials { get; set; }
        public long created { get; set; }
        public long modified { get; set; }
        public string? identities { get; set; }

        public static Row From(PhoneConfig c) => new()
        {
            id = c.Id,
            group_id = c.Group,
            name = c.Name,
            is_active = ToDb(c.IsActive),
            provider = c.Provider,
            settings = MapToDb(c.Settings) ?? "{}",
            lookup_enabled = ToDb(c.LookupEnabled),
            lookup_cache_days = c.LookupCacheDays,
            test_mode = ToDb(c.TestMode),
            fallback_config_id = c.FallbackConfigId,
            send_rate = c.SendRate,
            account_send_rate = c.AccountSendRate,
            guards = GuardsToDb(c.Guards),
            created = ToDb(c.Created),
            modified = ToDb(c.Modified),
        };

        public PhoneConfig ToModel() => new()
        {
            Id = id,
            Group = group_id,
            Name = name,
            IsActive = is_active != 0,
            Provider = provider,
            Settings = MapFromDb(settings) ?? new Dictionary<string, string>(),
            Identities = IdentitiesFromDb(identities),
            LookupEnabled = lookup_enabled != 0,
            LookupCacheDays = (int)lookup_cache_days,
            TestMode = test_mode != 0,
            FallbackConfigId = fallback_config_id,
            SendRate = send_rate,
            AccountSendRate = account_send_rate,
            Guards = GuardsFromDb(guards),
            HasCredentials = has_credentials != 0,
            Created = FromDb(created),
            Modified = FromDb(modified),
        };

        private static List<ProviderIdentity> IdentitiesFromDb(string? json)
        {
            var pairs = json is null ? null : JsonSerializer.Deserialize(json, SqliteJsonContext.Default.ListListString);
            var list = pairs is null ? [] : pairs.Where(p => p.Count == 2).Select(p => new ProviderIdentity(p[0], p[1])).ToList();
            list.Sort(ProviderIdentity.Compare);
            return list;
        }
    }
#pragma warning restore IDE1006, CA1707

}
