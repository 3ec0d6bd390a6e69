using Microsoft.Extensions.Options;
using Npgsql;

namespace PhoneHub.Stores.PostgreSql;

/// <summary>Checks the PostgreSQL store's settings when the host starts, naming the setting at fault (never its value).</summary>
internal sealed class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!PostgreSqlIdentifier.IsValid(options.Schema))
        {
            failures.Add($"PhoneHub:PostgreSql:Schema must be an unquoted PostgreSQL identifier: {PostgreSqlIdentifier.Rule}.");
        }

        if (options.DataSource is null)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add("No PostgreSQL connection string: set PhoneHub:PostgreSql:ConnectionString or ConnectionStrings:PhoneHub, or pass one to UsePostgreSql(...).");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    // The message names the bad keyword, not the string (which may hold a password).
                    failures.Add($"The PostgreSQL connection string is not valid for Npgsql: {ex.Message}");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
