using PhoneHub.Lookup;
using PhoneHub.Providers;

namespace PhoneHub.AspNetCore.Tests.Rest.Infrastructure;

/// <summary>A paying lookup provider without a network (lookups in test mode are never cached, so they cannot show caching).</summary>
public sealed class FakeLookupProvider : ISmsProvider, IPhoneLookupProvider
{
    public const string ProviderName = "fake-lookup";
    private int _lookups;

    public ProviderDefinition Definition { get; } = new(ProviderName);

    public string Name => ProviderName;

    public int Lookups => Volatile.Read(ref _lookups);

    public Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookups);
        return Task.FromResult(new PhoneLookupResult { Provider = ProviderName, IsValid = true, Carrier = "Fake Carrier", LineType = LineTypes.Mobile });
    }

    public Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(new SmsSendResult { ProviderMessageId = "FAKE" + request.MessageId });

    public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ConnectionTestResult.Ok());
}
