using Dapper;
using Microsoft.Data.Sqlite;
using PhoneHub.Configuration;
using static PhoneHub.Stores.Sqlite.SqliteValues;

namespace PhoneHub.Stores.Sqlite;

/// <summary>The SQLite implementation of <see cref="IPhoneConfigStore"/>.</summary>
/// <param name="database">The database.</param>
internal sealed class SqlitePhoneConfigStore(SqliteDatabase database) : IPhoneConfigStore
{
    // The credentials column is never selected here: only its presence.
    private const string Columns =
        "id, group_id, name, is_active, provider, twilio_from_number, twilio_messaging_service_sid, aws_region, aws_sender_id, " +
        "aws_origination_number, lookup_enabled, lookup_cache_days, test_mode, (credentials IS NOT NULL) AS has_credentials, created, modified";

    private const string SelectById = $"SELECT {Columns} FROM phone_configs WHERE id = @id;";

    private const string SelectActive =
        $"SELECT {Columns} FROM phone_configs WHERE is_active = 1 AND ifnull(group_id, '') = ifnull(@group_id, '');";

    private const string SelectByOwnNumber =
        $"SELECT {Columns} FROM phone_configs WHERE is_active = 1 AND (twilio_from_number = @number OR aws_origination_number = @number) ORDER BY id LIMIT 1;";

    private const string List = $"""
        SELECT {Columns} FROM phone_configs
        WHERE (@all_groups = 1 OR ifnull(group_id, '') = ifnull(@group_id, ''))
          AND (@provider IS NULL OR provider = @provider)
          AND (@active_only = 0 OR is_active = 1)
        ORDER BY id;
        """;

    private const string DeactivateOthers =
        "UPDATE phone_configs SET is_active = 0, modified = @modified WHERE is_active = 1 AND ifnull(group_id, '') = ifnull(@group_id, '') AND id <> @id;";

    private const string Insert = $"""
        INSERT INTO phone_configs (group_id, name, is_active, provider, twilio_from_number, twilio_messaging_service_sid, aws_region,
            aws_sender_id, aws_origination_number, lookup_enabled, lookup_cache_days, test_mode, created, modified)
        VALUES (@group_id, @name, @is_active, @provider, @twilio_from_number, @twilio_messaging_service_sid, @aws_region,
            @aws_sender_id, @aws_origination_number, @lookup_enabled, @lookup_cache_days, @test_mode, @created, @modified)
        RETURNING {Columns};
        """;

    private const string Update = $"""
        UPDATE phone_configs SET group_id = @group_id, name = @name, is_active = @is_active, provider = @provider,
            twilio_from_number = @twilio_from_number, twilio_messaging_service_sid = @twilio_messaging_service_sid,
            aws_region = @aws_region, aws_sender_id = @aws_sender_id, aws_origination_number = @aws_origination_number,
            lookup_enabled = @lookup_enabled, lookup_cache_days = @lookup_cache_days, test_mode = @test_mode, modified = @modified
        WHERE id = @id
        RETURNING {Columns};
        """;

    public async Task<PhoneConfig?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectById, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
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

    public async Task<PhoneConfig?> FindByOwnNumberAsync(string e164, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectByOwnNumber, new { number = e164 }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneConfig> InsertAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Microsoft.Data.Sqlite has no asynchronous BEGIN; an IMMEDIATE transaction takes the write lock up front.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var parameters = Row.From(config);
        if (config.IsActive)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeactivateOthers, new { parameters.group_id, parameters.modified, id = -1L }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(Insert, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row.ToModel();
    }

    public async Task<PhoneConfig?> UpdateAsync(PhoneConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Microsoft.Data.Sqlite has no asynchronous BEGIN; an IMMEDIATE transaction takes the write lock up front.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var parameters = Row.From(config);
        if (config.IsActive)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeactivateOthers, new { parameters.group_id, parameters.modified, parameters.id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Update, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM phone_configs WHERE id = @id;", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task<bool> SetCredentialsAsync(long id, byte[]? ciphertext, CancellationToken cancellationToken = default)
    {
        using var turn = await database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE phone_configs SET credentials = @ciphertext WHERE id = @id;",
            new { id, ciphertext },
            cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task<byte[]?> GetCredentialsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "SELECT credentials FROM phone_configs WHERE id = @id;", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

#pragma warning disable IDE1006, CA1707
    private sealed class Row
    {
        public long id { get; set; }
        public string? group_id { get; set; }
        public string name { get; set; } = "";
        public long is_active { get; set; }
        public string provider { get; set; } = "";
        public string? twilio_from_number { get; set; }
        public string? twilio_messaging_service_sid { get; set; }
        public string? aws_region { get; set; }
        public string? aws_sender_id { get; set; }
        public string? aws_origination_number { get; set; }
        public long lookup_enabled { get; set; }
        public long lookup_cache_days { get; set; }
        public long test_mode { get; set; }
        public long has_credentials { get; set; }
        public long created { get; set; }
        public long modified { get; set; }

        public static Row From(PhoneConfig c) => new()
        {
            id = c.Id,
            group_id = c.Group,
            name = c.Name,
            is_active = ToDb(c.IsActive),
            provider = c.Provider,
            twilio_from_number = c.TwilioFromNumber,
            twilio_messaging_service_sid = c.TwilioMessagingServiceSid,
            aws_region = c.AwsRegion,
            aws_sender_id = c.AwsSenderId,
            aws_origination_number = c.AwsOriginationNumber,
            lookup_enabled = ToDb(c.LookupEnabled),
            lookup_cache_days = c.LookupCacheDays,
            test_mode = ToDb(c.TestMode),
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
            TwilioFromNumber = twilio_from_number,
            TwilioMessagingServiceSid = twilio_messaging_service_sid,
            AwsRegion = aws_region,
            AwsSenderId = aws_sender_id,
            AwsOriginationNumber = aws_origination_number,
            LookupEnabled = lookup_enabled != 0,
            LookupCacheDays = (int)lookup_cache_days,
            TestMode = test_mode != 0,
            HasCredentials = has_credentials != 0,
            Created = FromDb(created),
            Modified = FromDb(modified),
        };
    }
#pragma warning restore IDE1006, CA1707
}
