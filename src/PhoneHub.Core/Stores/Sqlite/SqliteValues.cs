using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PhoneHub.Guards;

namespace PhoneHub.Stores.Sqlite;

/// <summary>Conversions between domain values and the column representations the SQLite schema uses.</summary>
internal static class SqliteValues
{
    /// <summary>SQLITE_CONSTRAINT_UNIQUE, the extended error code of a unique-index violation.</summary>
    public const int SqliteConstraintUnique = 2067;

    public static long ToDb(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToDb(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromDb(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromDb(long? value) => value is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(value.Value);

    public static long ToDb(bool value) => value ? 1 : 0;

    public static long? ToDb(bool? value) => value is null ? null : value.Value ? 1 : 0;

    public static string? ToDb(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static decimal? DecimalFromDb(string? value) =>
        value is null ? null : decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static string? ListToDb(IReadOnlyList<string>? values) =>
        values is null || values.Count == 0 ? null : JsonSerializer.Serialize(values, SqliteJsonContext.Default.IReadOnlyListString);

    public static IReadOnlyList<string> ListFromDb(string? value) =>
        value is null ? [] : JsonSerializer.Deserialize(value, SqliteJsonContext.Default.ListString) ?? [];

    public static string? MapToDb(IReadOnlyDictionary<string, string>? values) =>
        values is null || values.Count == 0 ? null : JsonSerializer.Serialize(values, SqliteJsonContext.Default.IReadOnlyDictionaryStringString);

    public static IReadOnlyDictionary<string, string>? MapFromDb(string? value) =>
        value is null ? null : JsonSerializer.Deserialize(value, SqliteJsonContext.Default.DictionaryStringString);

    /// <summary>Escapes <c>%</c>, <c>_</c> and the escape character for a <c>LIKE ... ESCAPE '\'</c> pattern.</summary>
    public static string LikeContains(string value) =>
        "%" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public static int ClampLimit(int limit) => Math.Clamp(limit, 1, 500);

    /// <summary>A config's guard settings as JSON; the defaults as NULL, so configs that change nothing store nothing.</summary>
    public static string? GuardsToDb(SendGuardSettings? guards) =>
        guards is null || guards == SendGuardSettings.Default ? null : JsonSerializer.Serialize(guards, SqliteGuardsJsonContext.Default.SendGuardSettings);

    public static SendGuardSettings GuardsFromDb(string? value) =>
        value is null ? SendGuardSettings.Default : JsonSerializer.Deserialize(value, SqliteGuardsJsonContext.Default.SendGuardSettings) ?? SendGuardSettings.Default;

    /// <summary>A group as the opt-out tables key it: '' for no group.</summary>
    public static string GroupKey(string? group) => group ?? "";

    public static string? GroupFromKey(string key) => key.Length == 0 ? null : key;

    /// <summary>Days since the Unix epoch, as the usage tables store them.</summary>
    public static long DayToDb(DateOnly day) => day.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static DateOnly DayFromDb(long day) => DateOnly.FromDayNumber((int)(day + DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber));

    /// <summary>An amount in millionths, as the usage queries sum prices, back to a decimal.</summary>
    public static decimal FromMicros(long micros) => micros / 1_000_000m;
}

/// <summary>Guard settings in the phone_configs.guards column: snake_case, enums by name.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SendGuardSettings))]
internal sealed partial class SqliteGuardsJsonContext : JsonSerializerContext;

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<List<string>>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
