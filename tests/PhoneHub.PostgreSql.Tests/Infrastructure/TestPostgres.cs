namespace PhoneHub.PostgreSql.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests run against: <c>PHONEHUB_TEST_POSTGRES</c>, an Npgsql connection string that
/// <c>.ci/run</c> and <c>tests/postgres-local.sh</c> export. Without it a test needing the server is ignored, with the
/// reason, or fails under CI, which must provide it.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "PHONEHUB_TEST_POSTGRES";

    /// <summary>The connection string; marks the test ignored (or failed in CI) when none is set.</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                const string reason = "No PostgreSQL server for the tests: set PHONEHUB_TEST_POSTGRES to an Npgsql connection string (eval \"$(bash tests/postgres-local.sh start)\" starts one).";
                if (IsCi)
                {
                    Assert.Fail(reason + " CI must provide it.");
                }

                Assert.Ignore(reason);
            }

            return value!;
        }
    }

    /// <summary>Whether the tests run under CI, where the PostgreSQL tests must run rather than be skipped.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
