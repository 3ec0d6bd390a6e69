using System.Text.RegularExpressions;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>
/// The one name PhoneHub formats into SQL: the schema. It is checked against a strict pattern and then always quoted, so
/// it can neither break out of the identifier nor change meaning with the server's case folding.
/// </summary>
internal static partial class PostgreSqlIdentifier
{
    public const string Rule = "a letter or underscore, then letters, digits or underscores, at most 63 characters, not starting with 'pg_'";

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 63 } && Pattern().IsMatch(name) && !name.StartsWith("pg_", StringComparison.OrdinalIgnoreCase);

    /// <summary>The name as a quoted identifier, for example <c>"phonehub"</c>.</summary>
    /// <param name="name">A name that passed <see cref="IsValid"/>.</param>
    /// <returns>The quoted identifier.</returns>
    public static string Quote(string name)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid PhoneHub schema name: {Rule}.", nameof(name));
        }

        return "\"" + name + "\"";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
