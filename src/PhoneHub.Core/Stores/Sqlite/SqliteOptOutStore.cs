using Dapper;
using PhoneHub.Guards.OptOuts;
using static PhoneHub.Stores.Sqlite.SqliteValues;

namespace PhoneHub.Stores.Sqlite;

/// <summary>The SQLite implementation of <see cref="IOptOutStore"/>.</summary>
/// <param name="database">The database.</param>
internal sealed class SqliteOptOutStore(SqliteDatabase database) : IOptOutStore, ISqliteStore
{
    // The IN lists are Dapper-expanded parameters: the statement text varies with the list length only.
    private const string Find = """
        SELECT phone_number, max(created) AS created FROM sms_opt_outs
        WHERE group_key IN @groups AND phone_number IN @numbers
        GROUP BY phone_number;
        """;

    private const string Add = """
        INSERT INTO sms_opt_outs (group_key, phone_number, created, source, detail, actor)
        VALUES (@group_key, @phone_number, @at, @source, @detail, @actor)
        ON CONFLICT (group_key, phone_number) DO NOTHING;
        """;

    private const string Remove = "DELETE FROM sms_opt_outs WHERE group_key = @group_key AND phone_number = @phone_number;";

    private const string Record = """
        INSERT INTO sms_opt_out_changes (group_key, phone_number, action, source, detail, actor, at)
        VALUES (@group_key, @phone_number, @action, @source, @detail, @actor, @at);
        """;

    private const string ListWhere = "WHERE group_key = @group_key AND (@phone_number IS NULL OR phone_number = @phone_number)";

    private const string List = $"""
        SELECT group_key, phone_number, created, source, detail, actor FROM sms_opt_outs {ListWhere}
        ORDER BY created DESC, phone_number LIMIT @limit OFFSET @offset;
        """;

    private const string Count = $"SELECT count(*) FROM sms_opt_outs {ListWhere};";

    private const string ListChanges = $"""
        SELECT id, group_key, phone_number, action, source, detail, actor, at FROM sms_opt_out_changes {ListWhere}
        ORDER BY id DESC LIMIT @limit OFFSET @offset;
        """;

    private const string CountChanges = $"SELECT count(*) FROM sms_opt_out_changes {ListWhere};";

    private const int MaxNumbersPerQuery = 500;

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
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in phoneNumbers.Chunk(MaxNumbersPerQuery))
        {
            var rows = await connection.QueryAsync<(string Number, long Created)>(new CommandDefinition(
                Find, new { groups = keys, numbers = chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var (number, created) in rows)
            {
                found[number] = FromDb(created);
            }
        }

        return found;
    }

    public async Task<bool> ApplyAsync(OptOutChange change, CancellationToken cancellationToken = default)
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
        return await database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(change.Action == OptOutAction.OptOut ? Add : Remove, parameters, transaction)).ConfigureAwait(false) > 0;
            if (changed)
            {
                await connection.ExecuteAsync(new CommandDefinition(Record, parameters, transaction)).ConfigureAwait(false);
            }

            return changed;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Page<OptOutEntry>> ListAsync(OptOutQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = Paging(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<EntryRow>(new CommandDefinition(List, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Count, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new Page<OptOutEntry>([.. rows.Select(r => r.ToModel())], total, parameters.offset, parameters.limit);
    }

    public async Task<Page<OptOutChange>> ListChangesAsync(OptOutQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = Paging(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<ChangeRow>(new CommandDefinition(ListChanges, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountChanges, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new Page<OptOutChange>([.. rows.Select(r => r.ToModel())], total, parameters.offset, parameters.limit);
    }

    private static PageParameters Paging(OptOutQuery query) =>
        new(GroupKey(query.Group), query.PhoneNumber, ClampLimit(query.Limit), Math.Max(0, query.Offset));

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

    private sealed class EntryRow
    {
        public string group_key { get; set; } = "";
        public string phone_number { get; set; } = "";
        public long created { get; set; }
        public string source { get; set; } = "";
        public string? detail { get; set; }
        public string? actor { get; set; }

        public OptOutEntry ToModel() => new()
        {
            Group = GroupFromKey(group_key),
            PhoneNumber = phone_number,
            Created = FromDb(created),
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
        public long at { get; set; }

        public OptOutChange ToModel() => new()
        {
            Id = id,
            Group = GroupFromKey(group_key),
            PhoneNumber = phone_number,
            Action = ActionFromDb(action),
            Source = SourceFromDb(source),
            Detail = detail,
            Actor = actor,
            At = FromDb(at),
        };
    }
#pragma warning restore IDE1006, CA1707
}
