using Dapper;
using PhoneHub.Lookup;
using static PhoneHub.Stores.PostgreSql.PostgreSqlValues;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL implementation of <see cref="IPhoneNumberStore"/>.</summary>
/// <remarks>The SQL is internal so the index tests can EXPLAIN exactly what the store runs (see README.md).</remarks>
internal sealed class PostgreSqlPhoneNumberStore : IPhoneNumberStore, IPostgreSqlStore
{
    private const string Columns =
        "id, phone_number, country_code, region, carrier, line_type, is_mobile, is_voip, is_valid, caller_name, caller_type, " +
        "address_street, address_city, address_state, address_postal_code, address_country, lookup_provider, lookup_expires_at, " +
        "lookup_count, last_lookup_at, lookup_data, created, modified";

    internal const string SelectByIdSql = $"SELECT {Columns} FROM {{schema}}.phone_numbers WHERE id = @id;";
    internal const string SelectByNumberSql = $"SELECT {Columns} FROM {{schema}}.phone_numbers WHERE phone_number = @phone_number;";

    // One statement: concurrent upserts of one number cannot both insert, and the first creation time is kept.
    internal const string UpsertSql = $$"""
        INSERT INTO {schema}.phone_numbers (phone_number, country_code, region, carrier, line_type, is_mobile, is_voip, is_valid, caller_name,
            caller_type, address_street, address_city, address_state, address_postal_code, address_country, lookup_provider,
            lookup_expires_at, lookup_count, last_lookup_at, lookup_data, created, modified)
        VALUES (@phone_number, @country_code, @region, @carrier, @line_type, @is_mobile, @is_voip, @is_valid, @caller_name,
            @caller_type, @address_street, @address_city, @address_state, @address_postal_code, @address_country, @lookup_provider,
            @lookup_expires_at, @lookup_count, @last_lookup_at, @lookup_data, @created, @modified)
        ON CONFLICT (phone_number) DO UPDATE SET
            country_code = excluded.country_code, region = excluded.region, carrier = excluded.carrier,
            line_type = excluded.line_type, is_mobile = excluded.is_mobile, is_voip = excluded.is_voip,
            is_valid = excluded.is_valid, caller_name = excluded.caller_name, caller_type = excluded.caller_type,
            address_street = excluded.address_street, address_city = excluded.address_city,
            address_state = excluded.address_state, address_postal_code = excluded.address_postal_code,
            address_country = excluded.address_country, lookup_provider = excluded.lookup_provider,
            lookup_expires_at = excluded.lookup_expires_at, lookup_count = excluded.lookup_count,
            last_lookup_at = excluded.last_lookup_at, lookup_data = excluded.lookup_data, modified = excluded.modified
        RETURNING {{Columns}};
        """;

    // The optional filters fold away: Npgsql's unprepared statements are planned with the bound values.
    private const string ListWhere = """
        WHERE (@contains IS NULL OR phone_number LIKE @contains ESCAPE '\')
          AND (@line_type IS NULL OR line_type = @line_type)
        """;

    internal const string ListSql = $$"""
        SELECT {{Columns}} FROM {schema}.phone_numbers {{ListWhere}} ORDER BY modified DESC, id DESC LIMIT @limit OFFSET @offset;
        SELECT count(*) FROM {schema}.phone_numbers {{ListWhere}};
        """;

    internal const string DeleteSql = "DELETE FROM {schema}.phone_numbers WHERE id = @id;";

    private readonly PostgreSqlDatabase _database;
    private readonly string _selectById;
    private readonly string _selectByNumber;
    private readonly string _upsert;
    private readonly string _list;
    private readonly string _delete;

    public PostgreSqlPhoneNumberStore(PostgreSqlDatabase database)
    {
        _database = database;
        _selectById = database.Qualify(SelectByIdSql);
        _selectByNumber = database.Qualify(SelectByNumberSql);
        _upsert = database.Qualify(UpsertSql);
        _list = database.Qualify(ListSql);
        _delete = database.Qualify(DeleteSql);
    }

    public async Task<PhoneNumber?> FindAsync(string e164, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_selectByNumber, new { phone_number = e164 }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneNumber?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(_selectById, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToModel();
    }

    public async Task<PhoneNumber> UpsertAsync(PhoneNumber number, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(number);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(_upsert, Row.From(number), cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row.ToModel();
    }

    public async Task<Page<PhoneNumber>> ListAsync(PhoneNumberQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = ClampLimit(query.Limit);
        var offset = Math.Max(0, query.Offset);
        var parameters = new
        {
            contains = string.IsNullOrEmpty(query.Contains) ? null : LikeContains(query.Contains),
            line_type = query.LineType,
            limit,
            offset,
        };
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(_list, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await results.ReadAsync<Row>().ConfigureAwait(false);
        var total = await results.ReadSingleAsync<long>().ConfigureAwait(false);
        return new Page<PhoneNumber>([.. rows.Select(r => r.ToModel())], total, offset, limit);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(_delete, new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    // Property names are the column names, so Dapper maps them without any process-wide configuration.
#pragma warning disable IDE1006, CA1707
    private sealed class Row
    {
        public long id { get; set; }
        public string phone_number { get; set; } = "";
        public string? country_code { get; set; }
        public string? region { get; set; }
        public string? carrier { get; set; }
        public string? line_type { get; set; }
        public bool? is_mobile { get; set; }
        public bool? is_voip { get; set; }
        public bool is_valid { get; set; }
        public string? caller_name { get; set; }
        public string? caller_type { get; set; }
        public string? address_street { get; set; }
        public string? address_city { get; set; }
        public string? address_state { get; set; }
        public string? address_postal_code { get; set; }
        public string? address_country { get; set; }
        public string? lookup_provider { get; set; }
        public DateTimeOffset? lookup_expires_at { get; set; }
        public int lookup_count { get; set; }
        public DateTimeOffset? last_lookup_at { get; set; }
        public string? lookup_data { get; set; }
        public DateTimeOffset created { get; set; }
        public DateTimeOffset modified { get; set; }

        public static Row From(PhoneNumber n) => new()
        {
            id = n.Id,
            phone_number = n.E164,
            country_code = n.CountryCode,
            region = n.Region,
            carrier = n.Carrier,
            line_type = n.LineType,
            is_mobile = n.IsMobile,
            is_voip = n.IsVoip,
            is_valid = n.IsValid,
            caller_name = n.CallerName,
            caller_type = n.CallerType switch
            {
                CallerType.Business => "BUSINESS",
                CallerType.Consumer => "CONSUMER",
                _ => null,
            },
            address_street = n.AddressStreet,
            address_city = n.AddressCity,
            address_state = n.AddressState,
            address_postal_code = n.AddressPostalCode,
            address_country = n.AddressCountry,
            lookup_provider = n.LookupProvider,
            lookup_expires_at = ToDb(n.LookupExpiresAt),
            lookup_count = n.LookupCount,
            last_lookup_at = ToDb(n.LastLookupAt),
            lookup_data = n.LookupData,
            created = ToDb(n.Created),
            modified = ToDb(n.Modified),
        };

        public PhoneNumber ToModel() => new()
        {
            Id = id,
            E164 = phone_number,
            CountryCode = country_code,
            Region = region,
            Carrier = carrier,
            LineType = line_type,
            IsMobile = is_mobile,
            IsVoip = is_voip,
            IsValid = is_valid,
            CallerName = caller_name,
            CallerType = caller_type switch
            {
                "BUSINESS" => CallerType.Business,
                "CONSUMER" => CallerType.Consumer,
                _ => null,
            },
            AddressStreet = address_street,
            AddressCity = address_city,
            AddressState = address_state,
            AddressPostalCode = address_postal_code,
            AddressCountry = address_country,
            LookupProvider = lookup_provider,
            LookupExpiresAt = lookup_expires_at,
            LookupCount = lookup_count,
            LastLookupAt = last_lookup_at,
            LookupData = lookup_data,
            Created = created,
            Modified = modified,
        };
    }
#pragma warning restore IDE1006, CA1707
}
