using PhoneHub.Lookup;
using PhoneHub.Providers;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>A lookup provider that counts its calls and takes a fixed time, like a network round trip.</summary>
internal sealed class CountingLookupProvider(TimeSpan latency) : IPhoneLookupProvider
{
    public const string ProviderName = "counting";
    private int _calls;

    public string Name => ProviderName;

    public int Calls => Volatile.Read(ref _calls);

    public void Reset() => Interlocked.Exchange(ref _calls, 0);

    public async Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        await Task.Delay(latency, cancellationToken);
        return new PhoneLookupResult { Provider = ProviderName, IsValid = true, Region = "US", CountryCode = "1", LineType = LineTypes.Mobile, IsMobile = true, Carrier = "Bench Wireless" };
    }
}
