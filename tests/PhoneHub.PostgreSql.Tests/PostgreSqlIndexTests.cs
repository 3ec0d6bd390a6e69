using Dapper;
using Npgsql;
using PhoneHub.PostgreSql.Tests.Infrastructure;
using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.PostgreSql.Tests;

/// <summary>
/// Every query → index pair that src/PhoneHub.PostgreSql/README.md lists: the store's own SQL, planned with its real
/// parameters and sequential scans switched off, names the index. (An empty table would otherwise always be scanned.)
/// </summary>
public class PostgreSqlIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly object SmsListAll = new { all_groups = true, group_id = (string?)null, direction = (string?)null, status = (string?)null, number = (string?)null, created_from = (DateTimeOffset?)null, created_to = (DateTimeOffset?)null, limit = 50, offset = 0 };

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return Case("number by E.164", PostgreSqlPhoneNumberStore.SelectByNumberSql, new { phone_number = "+14155551234" }, "ux_phone_numbers_number");
        yield return Case("number by id", PostgreSqlPhoneNumberStore.SelectByIdSql, new { id = 1L }, "phone_numbers_pkey");
        yield return Case("number upsert", PostgreSqlPhoneNumberStore.UpsertSql, new { phone_number = "+1", country_code = (string?)null, region = (string?)null, carrier = (string?)null, line_type = (string?)null, is_mobile = (bool?)null, is_voip = (bool?)null, is_valid = true, caller_name = (string?)null, caller_type = (string?)null, address_street = (string?)null, address_city = (string?)null, address_state = (string?)null, address_postal_code = (string?)null, address_country = (string?)null, lookup_provider = (string?)null, lookup_expires_at = (DateTimeOffset?)null, lookup_count = 0, last_lookup_at = (DateTimeOffset?)null, lookup_data = (string?)null, created = T0, modified = T0 }, "ux_phone_numbers_number");
        yield return Case("numbers newest first", First(PostgreSqlPhoneNumberStore.ListSql), new { contains = (string?)null, line_type = (string?)null, limit = 50, offset = 0 }, "ix_phone_numbers_modified");
        yield return Case("numbers of a line type", First(PostgreSqlPhoneNumberStore.ListSql), new { contains = (string?)null, line_type = "mobile", limit = 50, offset = 0 }, "ix_phone_numbers_line_type");
        yield return Case("number delete", PostgreSqlPhoneNumberStore.DeleteSql, new { id = 1L }, "phone_numbers_pkey");

        yield return Case("message by id", PostgreSqlSmsStore.SelectByIdSql, new { id = 1L }, "sms_messages_pkey");
        yield return Case("message by provider id", PostgreSqlSmsStore.SelectByProviderIdSql, new { provider = "twilio", provider_message_id = "SM1" }, "ux_sms_messages_provider_id");
        yield return Case("status advance", PostgreSqlSmsStore.AdvanceSql, new { status = "sent", error_code = (string?)null, error_message = (string?)null, price = (decimal?)null, price_unit = (string?)null, marks_sent = true, marks_delivered = false, at = T0, provider = "twilio", provider_message_id = "SM1", earlier = new[] { "queued" } }, "ux_sms_messages_provider_id");
        yield return Case("messages of a group, newest first", First(PostgreSqlSmsStore.ListSql), new { all_groups = false, group_id = "acme", direction = (string?)null, status = (string?)null, number = (string?)null, created_from = (DateTimeOffset?)null, created_to = (DateTimeOffset?)null, limit = 50, offset = 0 }, "ix_sms_messages_group_created");
        yield return Case("messages without a group, by direction and status", First(PostgreSqlSmsStore.ListSql), new { all_groups = false, group_id = (string?)null, direction = "inbound", status = "received", number = (string?)null, created_from = (DateTimeOffset?)null, created_to = (DateTimeOffset?)null, limit = 50, offset = 0 }, "ix_sms_messages_group_created");
        yield return Case("messages of every group", First(PostgreSqlSmsStore.ListSql), SmsListAll, "ix_sms_messages_created");
        yield return Case("messages to a number", First(PostgreSqlSmsStore.ListSql), new { all_groups = true, group_id = (string?)null, direction = (string?)null, status = (string?)null, number = "+14155551234", created_from = (DateTimeOffset?)null, created_to = (DateTimeOffset?)null, limit = 50, offset = 0 }, "ix_sms_messages_to");
        yield return Case("messages from a number", First(PostgreSqlSmsStore.ListSql), new { all_groups = true, group_id = (string?)null, direction = (string?)null, status = (string?)null, number = "+14155551234", created_from = (DateTimeOffset?)null, created_to = (DateTimeOffset?)null, limit = 50, offset = 0 }, "ix_sms_messages_from");
        yield return Case("pending reports taken", PostgreSqlSmsStore.TakePendingSql, new { provider = "twilio", provider_message_id = "SM1" }, "ix_sms_status_reports_message");
        yield return Case("pending reports expired", PostgreSqlSmsStore.DeletePendingBeforeSql, new { cutoff = T0 }, "ix_sms_status_reports_received");

        yield return Case("message by idempotency key (and the enqueue conflict)", PostgreSqlSmsStore.SelectByIdempotencyKeySql, new { group_id = "acme", idempotency_key = "k1" }, "ux_sms_messages_idempotency");
        yield return Case("due messages claimed by a dispatcher", PostgreSqlSmsStore.ClaimDueSql, new { owner = "host-a", now = T0, lease_until = T0.AddMinutes(5), limit = 64 }, "ix_sms_messages_due");
        yield return QueuedCase("one message claimed", PostgreSqlSmsStore.ClaimOneSql, new { id = 1L, owner = "host-a", now = T0, lease_until = T0.AddMinutes(5) }, "sms_messages_pkey");
        yield return QueuedCase("call started", PostgreSqlSmsStore.StartAttemptSql, new { id = 1L, owner = "host-a", token = "t", now = T0, lease_until = T0.AddMinutes(5) }, "sms_messages_pkey");
        yield return QueuedCase("call completed", PostgreSqlSmsStore.CompleteAttemptSql, new { id = 1L, token = "t", status = "sent", provider = "twilio", provider_account = "AC1", provider_message_id = "SM1", config_id = 1L, from_number = "+14155550100", error_code = (string?)null, error_message = (string?)null, segments = 1, price = (decimal?)null, price_unit = (string?)null, sent_at = T0, modified = T0 }, "sms_messages_pkey");
        yield return QueuedCase("call released to the queue", PostgreSqlSmsStore.ReleaseSql, new { id = 1L, token = "t", due_at = T0, now = T0, config_id = (long?)null, provider = (string?)null, provider_account = (string?)null, error_code = (string?)null, error_message = (string?)null }, "sms_messages_pkey");
        yield return QueuedCase("cancel", PostgreSqlSmsStore.CancelSql, new { id = 1L, now = T0 }, "sms_messages_pkey");
        yield return Case("lapsed calls resolved", PostgreSqlSmsStore.ResolveLapsedSql, new { now = T0, error_code = "outcome_unknown", error_message = "x" }, "ix_sms_messages_in_flight");
        yield return Case("next due time, unclaimed", PostgreSqlSmsStore.NextDueSql, new { }, "ix_sms_messages_due");
        yield return Case("next due time, claims lapsing", PostgreSqlSmsStore.NextDueSql, new { }, "ix_sms_messages_claimed");
        yield return Case("batch by id", PostgreSqlSmsStore.SelectBatchSql, new { id = 1L }, "sms_batches_pkey");
        yield return Case("a batch's counts by status", PostgreSqlSmsStore.BatchCountsSql, new { id = 1L }, "ix_sms_messages_batch");

        yield return Case("config by id", PostgreSqlPhoneConfigStore.SelectByIdSql, new { id = 1L }, "phone_configs_pkey");
        yield return Case("config identities", PostgreSqlPhoneConfigStore.SelectByIdSql, new { id = 1L }, "phone_config_identities_pkey");
        yield return Case("active config of a group", PostgreSqlPhoneConfigStore.SelectActiveSql, new { group_id = "acme" }, "ux_phone_configs_active");
        yield return Case("config holding an identity", PostgreSqlPhoneConfigStore.SelectByIdentitySql, new { kind = "phone_number", value = "+14155550100" }, "ux_phone_config_identities_active");
        yield return Case("configs of a group", PostgreSqlPhoneConfigStore.ListSql, new { all_groups = false, group_id = "acme", provider = (string?)null, active_only = false }, "ix_phone_configs_group");
        yield return Case("deactivate the group's others", PostgreSqlPhoneConfigStore.DeactivateOthersSql, new { group_id = "acme", modified = T0, id = 1L }, "ux_phone_configs_active");
        yield return Case("release identities", PostgreSqlPhoneConfigStore.ReleaseIdentitiesSql, new { ids = new[] { 1L } }, "phone_config_identities_pkey");
        yield return Case("replace identities", PostgreSqlPhoneConfigStore.DeleteIdentitiesSql, new { id = 1L }, "phone_config_identities_pkey");
        yield return Case("config update", PostgreSqlPhoneConfigStore.UpdateSql, new { id = 1L, group_id = "acme", name = "n", is_active = true, provider = "twilio", settings = "{}", lookup_enabled = true, lookup_cache_days = 30, test_mode = false, fallback_config_id = (long?)null, send_rate = (double?)null, account_send_rate = (double?)null, modified = T0 }, "phone_configs_pkey");
        yield return Case("config delete", PostgreSqlPhoneConfigStore.DeleteSql, new { id = 1L }, "phone_configs_pkey");
        yield return Case("credentials", PostgreSqlPhoneConfigStore.GetCredentialsSql, new { id = 1L }, "phone_configs_pkey");
    }

    [TestCaseSource(nameof(Cases))]
    public async Task Query_IsServedByItsIndex(string sql, object parameters, string index, bool queued)
    {
        await using var schema = TempPostgresSchema.Create();
        await schema.Database.MigrateAsync();
        await using var connection = await schema.DataSource.OpenConnectionAsync();
        if (queued)
        {
            // On empty tables every index costs the same, and the planner picks a small partial one for a by-id write.
            // With a queue of waiting, claimed and in-flight messages, and statistics, the plan is the one a busy
            // dispatcher gets.
            await connection.ExecuteAsync($"""
                INSERT INTO {schema.Quoted}.sms_messages (direction, to_number, body, status, segments, is_test, created, modified, due_at, lease_owner, lease_until, attempt_token, call_started_at)
                SELECT 'outbound', '+14155551234', 'queued', 'queued', 1, false, @t0, @t0, @t0,
                    CASE WHEN n % 3 > 0 THEN 'host-a' END, CASE WHEN n % 3 > 0 THEN @lease END, CASE WHEN n % 3 = 2 THEN 't' || n END, CASE WHEN n % 3 = 2 THEN @t0 END
                FROM generate_series(1, 3000) AS n;
                ANALYZE {schema.Quoted}.sms_messages;
                """, new { t0 = T0, lease = T0.AddMinutes(5) });
        }

        await connection.ExecuteAsync("SET enable_seqscan = off;");

        var plan = string.Join("\n", await connection.QueryAsync<string>("EXPLAIN " + schema.Database.Qualify(sql), parameters));

        Assert.That(plan, Does.Contain(index), plan);
    }

    private static TestCaseData Case(string name, string sql, object parameters, string index) =>
        new TestCaseData(sql, parameters, index, false).SetArgDisplayNames(name);

    // A by-id write of the send pipeline, planned on a table holding a queue (see the test).
    private static TestCaseData QueuedCase(string name, string sql, object parameters, string index) =>
        new TestCaseData(sql, parameters, index, true).SetArgDisplayNames(name);

    // A listing is a page query followed by its count; the page query is the one whose order needs the index.
    private static string First(string sql) => sql[..(sql.IndexOf(';', StringComparison.Ordinal) + 1)];
}
