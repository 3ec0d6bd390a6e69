using System.Globalization;
using System.Reflection;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>
/// The schema as numbered SQL scripts embedded in this assembly (<c>Migrations/0001_initial.sql</c>, ...). Applied
/// versions are recorded in <c>phonehub_schema_version</c>; a released script is never edited, only followed by a new one.
/// </summary>
internal static class PostgreSqlSchema
{
    private const string Prefix = "PhoneHub.PostgreSql.Migrations.";

    private static readonly Lazy<IReadOnlyList<Migration>> Loaded = new(Load);

    /// <summary>The migrations, in order: element <c>i</c> brings the schema to version <c>i + 1</c>.</summary>
    public static IReadOnlyList<Migration> Migrations => Loaded.Value;

    /// <summary>The schema version this build of PhoneHub brings the database to.</summary>
    public static int CurrentVersion => Migrations.Count;

    private static List<Migration> Load()
    {
        var assembly = typeof(PostgreSqlSchema).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Parse(assembly, n))
            .OrderBy(m => m.Version)
            .ToList();
        for (var i = 0; i < migrations.Count; i++)
        {
            // A gap or a repeated number would silently skip or reorder a step: refuse the build's scripts outright.
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"PhoneHub's PostgreSQL migrations are not numbered 1 to {migrations.Count} without gaps ({migrations[i].Name}).");
            }
        }

        return migrations;
    }

    private static Migration Parse(Assembly assembly, string resource)
    {
        var name = resource[Prefix.Length..^".sql".Length];
        var digits = name.Split('_', 2)[0];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"PhoneHub's PostgreSQL migration '{name}' does not start with its version number.");
        }

        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, name, reader.ReadToEnd());
    }
}

/// <summary>One numbered schema step.</summary>
/// <param name="Version">The version the schema has after it.</param>
/// <param name="Name">The script's name, for example <c>0001_initial</c>.</param>
/// <param name="Sql">The script, with unqualified names (it runs with the search path set to PhoneHub's schema).</param>
internal sealed record Migration(int Version, string Name, string Sql);
