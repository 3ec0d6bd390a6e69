using BenchmarkDotNet.Attributes;
using Dapper;
using PhoneHub.Benchmarks.Infrastructure;
using PhoneHub.Messaging;

namespace PhoneHub.Benchmarks.Messaging;

/// <summary>
/// Storing one inbound message: PhoneHub's <see cref="ISmsService.HandleIncomingAsync"/> (find the config that owns
/// the To number, insert once per provider message id) beside a bare Dapper <c>INSERT</c> of the same row into the
/// same table of the same database file.
/// </summary>
[MemoryDiagnoser]
public class InboundInsertBenchmarks
{
    private const string RawInsert = """
        INSERT INTO sms_messages (group_id, config_id, direction, from_number, to_number, body, status, provider,
            provider_message_id, segments, is_test, created, modified)
        VALUES (NULL, @config_id, 'inbound', @from_number, @to_number, @body, 'received', 'twilio', @sid, 1, 0, @now, @now);
        """;

    private BenchHost? _host;
    private IPhoneHub? _hub;
    private long _configId;
    private long _next;

    /// <summary>Creates the database and the config that owns the To number.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _host = BenchHost.Create();
        _configId = _host.AddDefaultConfigAsync(ownNumber: "+14155550100").GetAwaiter().GetResult().Id;
        _hub = _host.Hub;
    }

    /// <summary>Disposes the host.</summary>
    [GlobalCleanup]
    public void Cleanup() => _host?.Dispose();

    /// <summary>Dapper by hand: open a pooled connection, insert the row.</summary>
    /// <returns>Rows inserted.</returns>
    [Benchmark(Baseline = true)]
    public async Task<int> RawDapperInsert()
    {
        var sid = "SMraw" + Interlocked.Increment(ref _next).ToString("D28", System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await _host!.OpenRawAsync();
        return await connection.ExecuteAsync(RawInsert, new
        {
            config_id = _configId,
            from_number = "+14155552671",
            to_number = "+14155550100",
            body = "Hello from the benchmark",
            sid,
            now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
    }

    /// <summary><see cref="IPhoneHub.HandleIncomingSmsAsync"/> of a new message.</summary>
    /// <returns>Whether it was stored.</returns>
    [Benchmark]
    public async Task<bool> HandleIncoming()
    {
        var sid = "SMhub" + Interlocked.Increment(ref _next).ToString("D28", System.Globalization.CultureInfo.InvariantCulture);
        var result = await _hub!.HandleIncomingSmsAsync(new IncomingSms
        {
            Provider = "twilio",
            ProviderMessageId = sid,
            From = "+14155552671",
            To = "+14155550100",
            Body = "Hello from the benchmark",
        });
        return result.Created;
    }
}
