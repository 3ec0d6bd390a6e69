using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>Conversions between domain values and the column types the PostgreSQL schema uses.</summary>
internal static class PostgreSqlValues
{
    /// <summary>
    /// An instant as PhoneHub stores it: UTC (Npgsql writes only offset-zero values to timestamptz) and cut to whole
    /// microseconds, timestamptz's resolution, so a value handed back after a write equals the value read later.
    /// </summary>
    public static DateTimeOffset ToDb(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    public static DateTimeOffset? ToDb(DateTimeOffset? value) => value is null ? null : ToDb(value.Value);

    public static string[]? ListToDb(IReadOnlyList<string>? values) => values is null || values.Count == 0 ? null : [.. values];

    public static IReadOnlyList<string> ListFromDb(string[]? values) => values ?? [];

    public static string? MapToDb(IReadOnlyDictionary<string, string>? values) =>
        values is null || values.Count == 0 ? null : JsonSerializer.Serialize(values, PostgreSqlJsonContext.Default.IReadOnlyDictionaryStringString);

    public static IReadOnlyDictionary<string, string>? MapFromDb(string? value) =>
        value is null ? null : JsonSerializer.Deserialize(value, PostgreSqlJsonContext.Default.DictionaryStringString);

    /// <summary>Escapes <c>%</c>, <c>_</c> and the escape character for a <c>LIKE ... ESCAPE '\'</c> pattern.</summary>
    public static string LikeContains(string value) =>
        "%" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public static int ClampLimit(int limit) => Math.Clamp(limit, 1, 500);

    /// <summary>Whether <paramref name="ex"/> is a unique violation (SQLSTATE 23505) of the index named <paramref name="index"/>.</summary>
    public static bool IsUniqueViolation(PostgresException ex, string index) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && string.Equals(ex.ConstraintName, index, StringComparison.Ordinal);
}

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<List<string>>))]
internal sealed partial class PostgreSqlJsonContext : JsonSerializerContext;
