using Dapper;
using PhoneHub.Guards.OptOuts;
using static PhoneHub.Stores.PostgreSql.PostgreSqlValues;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>The PostgreSQL implementation of <see cref="IOptOutStore"/>.</summary>
/// <remarks>The SQL is internal so the index tests can EXPLAIN exactly what the store runs (see README.md).</remarks>
internal sealed class PostgreSqlOptOutStore : IOptOutStore, IPostgreSqlStore
{
    // Arrays are bound as one parameter each: the statement text never varies with the list length.
    internal const string FindSql = """
        SELECT phone_number, max(created) AS created FROM {schema}.sms_opt_outs
        WHERE group_key = ANY(@groups) AND phone_number = ANY(@numbers)
        GROUP BY phone_number;
        """;

    // Two opt-outs of one number at once: the second waits for the first's row and then does nothing, so exactly one
    // changes the list and is recorded.
    internal const string AddSql = """
        INSERT INTO {schema}.sms_opt_outs (group_key, phone_number, created, source, detail, actor)
        VALUES (@group_key, @phone_number, @at, @source, @detail, @actor)
        ON CONFLICT (group_key, phone_number) DO NOTHING;
        """;

    internal const string RemoveSql = "DELETE FROM {schema}.sms_opt_outs WHERE group_key = @group_key AND phone_number = @phone_number;";

    internal const string RecordSql = """
        INSERT INTO {schema}.sms_opt_out_changes (group_key, phone_number, action, source, detail, actor, at)
        VALUES (@group_key, @phone_number, @action, @source, @detail, @actor, @at);
        """;

    private const string ListWhere = "WHERE group_key = @group_key AND (@phone_number::text IS NULL OR phone_number = @phone_number)";

    internal const string ListSql = $$"""
        SELECT group_key, phone_number, created, source, detail, actor FROM {schema}.sms_opt_outs {{ListWhere}}
        ORDER BY created DESC, phone_number LIMIT @limit OFFSET @offset;
        SELECT count(*) FROM {schema}.sms_opt_outs {{ListWhere}};
        """;

    internal const string ListChangesSql = $$"""
        SELECT id, group_key, phone_number, action, source, detail, actor, at FROM {schema}.sms_opt_out_changes {{ListWhere}}
        ORDER BY id DESC LIMIT @limit OFFSET @offset;
        SELECT count(*) FROM {schema}.sms_opt_out_changes {{ListWhere}};
        """;

    private readonly PostgreSqlDatabase _database;
    private readonly string _find;
    private readonly string _add;
    private readonly string _remove;
    private readonly string _record;
    private readonly string _list;
    private readonly string _listChanges;

    public PostgreSqlOptOutStore(PostgreSqlDatabase database)
    {
        _database = database;
        _find = database.Qualify(FindSql);
        _add = database.Qualify(AddSql);
        _remove = database.Qualify(RemoveSql);
        _record = database.Qualify(RecordSql);
        _list = database.Qualify(ListSql);
        _listChanges = database.Qualify(ListChangesSql);
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> FindAsync(IReadOnlyCollection<string?> groups, IReadOnlyCollection<string> phoneNumbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(phoneNumbers);
        var found = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (groups.Count == 0 || phoneNumbers.Count == 0)
        {
            return found;
        }

        var keys = groups.Select(GroupKey).Distinct(StringComparer.Ordinal).ToArray();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<FoundRow>(new CommandDefinition(
            _find, new { groups = keys, numbers = phoneNumbers.Distinct(StringComparer.Ordinal).ToArray() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            found[row.phone_number] = row.created;
        }

        return found;
    }

    public Task<bool> ApplyAsync(OptOutChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrEmpty(change.PhoneNumber, "change.PhoneNumber");
        var parameters = new
        {
            group_key = GroupKey(change.Group),
            phone_number = change.PhoneNumber,
            action = ActionToDb(change.Action),
            source = SourceToDb(change.Source),
            detail = change.Detail,
            actor = change.Actor,
            at = ToDb(change.At),
        };
        return _database.InTransactionAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                change.Action == OptOutAction.OptOut ? _add : _remove, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
            if (changed)
            {
                await connection.ExecuteAsync(new CommandDefinition(_record, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            return changed;
        }, cancellationToken);
    }

    public async Task<Page<OptOutEntry>> ListAsync(OptOutQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = Paging(query);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(_list, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await results.ReadAsync<EntryRow>().ConfigureAwait(false);
        var total = await results.ReadSingleAsync<long>().ConfigureAwait(false);
        return new Page<OptOutEntry>([.. rows.Select(r => r.ToModel())], total, parameters.offset, parameters.limit);
    }

    public async Task<Page<OptOutChange>> ListChangesAsync(OptOutQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = Paging(query);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(_listChanges, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await results.ReadAsync<ChangeRow>().ConfigureAwait(false);
        var total = await results.ReadSingleAsync<long>().ConfigureAwait(false);
        return new Page<OptOutChange>([.. rows.Select(r => r.ToModel())], total, parameters.offset, parameters.limit);
    }

    private static PageParameters Paging(OptOutQuery query) =>
        new(GroupKey(query.Group), query.PhoneNumber, ClampLimit(query.Limit), Math.Max(0, query.Offset));

    // The same words as the SQLite store writes, so a list exported from one reads the same from the other.
    private static string ActionToDb(OptOutAction action) => action == OptOutAction.OptIn ? "opt_in" : "opt_out";

    private static OptOutAction ActionFromDb(string action) => action == "opt_in" ? OptOutAction.OptIn : OptOutAction.OptOut;

    private static string SourceToDb(OptOutSource source) => source switch
    {
        OptOutSource.Keyword => "keyword",
        OptOutSource.Provider => "provider",
        _ => "api",
    };

    private static OptOutSource SourceFromDb(string source) => source switch
    {
        "keyword" => OptOutSource.Keyword,
        "provider" => OptOutSource.Provider,
        _ => OptOutSource.Api,
    };

#pragma warning disable IDE1006, CA1707
    private sealed record PageParameters(string group_key, string? phone_number, int limit, int offset);

    private sealed class FoundRow
    {
        public string phone_number { get; set; } = "";
        public DateTimeOffset created { get; set; }
    }

    private sealed class EntryRow
    {
        public string group_key { get; set; } = "";
        public string phone_number { get; set; } = "";
        public DateTimeOffset created { get; set; }
        public string source { get; set; } = "";
        public string? detail { get; set; }
        public string? actor { get; set; }

        public OptOutEntry ToModel() => new()
        {
            Group = GroupFromKey(group_key),
            PhoneNumber = phone_number,
            Created = created,
            Source = SourceFromDb(source),
            Detail = detail,
            Actor = actor,
        };
    }

    private sealed class ChangeRow
    {
        public long id { get; set; }
        public string group_key { get; set; } = "";
        public string phone_number { get; set; } = "";
        public string action { get; set; } = "";
        public string source { get; set; } = "";
        public string? detail { get; set; }
        public string? actor { get; set; }
        public DateTimeOffset at { get; set; }

        public OptOutChange ToModel() => new()
        {
            Id = id,
            Group = GroupFromKey(group_key),
            PhoneNumber = phone_number,
            Action = ActionFromDb(action),
            Source = SourceFromDb(source),
            Detail = detail,
            Actor = actor,
            At = at,
        };
    }
#pragma warning restore IDE1006, CA1707
}
