using PhoneHub.Lookup;
using PhoneHub.Providers;

namespace PhoneHub.Benchmarks.Harness;

/// <summary>A lookup provider that counts its calls and takes a fixed time, like a network round trip.</summary>
/// <remarks>Configs may name only registered senders, so it also "sends", instantly and without a network.</remarks>
internal sealed class CountingLookupProvider(TimeSpan latency) : IPhoneLookupProvider, ISmsProvider
{
    public const string ProviderName = "counting";
    private static readonly ProviderDefinition CountingDefinition = new(ProviderName);
    private int _calls;

    public ProviderDefinition Definition => CountingDefinition;

    public string Name => ProviderName;

    public Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(new SmsSendResult { ProviderMessageId = "CNT" + request.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ConnectionTestResult.Ok());

    public int Calls => Volatile.Read(ref _calls);

    public void Reset() => Interlocked.Exchange(ref _calls, 0);

    public async Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        await Task.Delay(latency, cancellationToken);
        return new PhoneLookupResult { Provider = ProviderName, IsValid = true, Region = "US", CountryCode = "1", LineType = LineTypes.Mobile, IsMobile = true, Carrier = "Bench Wireless" };
    }
}
