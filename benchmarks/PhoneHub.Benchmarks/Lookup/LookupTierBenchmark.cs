using BenchmarkDotNet.Attributes;
using PhoneHub.Lookup;

namespace PhoneHub.Benchmarks.Lookup;

/// <summary>
/// What every lookup-tier benchmark shares: <see cref="Count"/> numbers, looked up through PhoneHub by
/// <see cref="Lookup"/>, beside a baseline of the derived class that reads the same records the way a host would
/// without PhoneHub. The derived class sets <see cref="Lookups"/> and <see cref="Numbers"/> in its setup.
/// </summary>
public abstract class LookupTierBenchmark
{
    /// <summary>Numbers per invocation; each benchmark reports the time per number.</summary>
    protected const int Count = 100;

    /// <summary>The lookup service under measurement.</summary>
    protected IPhoneLookupService? Lookups { get; set; }

    /// <summary>The numbers looked up, already answered once by the tier under measurement.</summary>
    protected string[] Numbers { get; set; } = [];

    /// <summary><see cref="IPhoneLookupService.LookupAsync"/> of every number.</summary>
    /// <returns>A checksum.</returns>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<long> Lookup()
    {
        long sum = 0;
        foreach (var number in Numbers)
        {
            var hit = await Lookups!.LookupAsync(number);
            sum += hit.Id;
        }

        return sum;
    }

    /// <summary>Looks every number up once, so that the tier under measurement holds it; returns the record ids.</summary>
    /// <returns>The ids, in the order of <see cref="Numbers"/>.</returns>
    protected long[] LookUpOnce() => [.. Numbers.Select(n => Lookups!.LookupAsync(n).GetAwaiter().GetResult().Id)];
}

/// <summary>
/// The <c>phone_numbers</c> columns a store selects by primary key, for the hand-written baselines of the store tiers.
/// </summary>
public static class PhoneNumberColumns
{
    /// <summary>The column list, in the stores' order.</summary>
    public const string List =
        "id, phone_number, country_code, region, carrier, line_type, is_mobile, is_voip, is_valid, caller_name, caller_type, " +
        "address_street, address_city, address_state, address_postal_code, address_country, lookup_provider, lookup_expires_at, " +
        "lookup_count, last_lookup_at, lookup_data, created, modified";
}

#pragma warning disable IDE1006, CA1707 // Column names, so Dapper maps them without configuration.
/// <summary>
/// The <c>phone_numbers</c> row as a hand-written Dapper DTO. The engines store flags and instants in types of their
/// own (SQLite: integers and Unix milliseconds; PostgreSQL: booleans and <c>timestamptz</c>), hence the type parameters.
/// </summary>
/// <typeparam name="TFlag">How the engine stores a flag.</typeparam>
/// <typeparam name="TInstant">How the engine stores an instant.</typeparam>
public sealed class PhoneNumberRow<TFlag, TInstant>
    where TFlag : struct
    where TInstant : struct
{
    /// <summary>Column.</summary>
    public long id { get; set; }

    /// <summary>Column.</summary>
    public string phone_number { get; set; } = "";

    /// <summary>Column.</summary>
    public string? country_code { get; set; }

    /// <summary>Column.</summary>
    public string? region { get; set; }

    /// <summary>Column.</summary>
    public string? carrier { get; set; }

    /// <summary>Column.</summary>
    public string? line_type { get; set; }

    /// <summary>Column.</summary>
    public TFlag? is_mobile { get; set; }

    /// <summary>Column.</summary>
    public TFlag? is_voip { get; set; }

    /// <summary>Column.</summary>
    public TFlag is_valid { get; set; }

    /// <summary>Column.</summary>
    public string? caller_name { get; set; }

    /// <summary>Column.</summary>
    public string? caller_type { get; set; }

    /// <summary>Column.</summary>
    public string? address_street { get; set; }

    /// <summary>Column.</summary>
    public string? address_city { get; set; }

    /// <summary>Column.</summary>
    public string? address_state { get; set; }

    /// <summary>Column.</summary>
    public string? address_postal_code { get; set; }

    /// <summary>Column.</summary>
    public string? address_country { get; set; }

    /// <summary>Column.</summary>
    public string? lookup_provider { get; set; }

    /// <summary>Column.</summary>
    public TInstant? lookup_expires_at { get; set; }

    /// <summary>Column.</summary>
    public long lookup_count { get; set; }

    /// <summary>Column.</summary>
    public TInstant? last_lookup_at { get; set; }

    /// <summary>Column.</summary>
    public string? lookup_data { get; set; }

    /// <summary>Column.</summary>
    public TInstant created { get; set; }

    /// <summary>Column.</summary>
    public TInstant modified { get; set; }
}
#pragma warning restore IDE1006, CA1707
