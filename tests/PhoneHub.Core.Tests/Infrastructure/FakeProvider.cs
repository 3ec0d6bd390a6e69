using System.Collections.Concurrent;
using PhoneHub.Lookup;
using PhoneHub.Providers;

namespace PhoneHub.Tests.Infrastructure;

/// <summary>
/// A provider double that sends and looks up without a network: it counts calls, records what it was asked, and can
/// hold every call at a gate so a test decides when the provider answers (no sleeps, no races).
/// </summary>
public sealed class FakeProvider : ISmsProvider, IPhoneLookupProvider
{
    private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lookups;
    private int _sends;

    public FakeProvider(string name = "fake", ProviderDefinition? definition = null)
    {
        Answer = _ => throw new InvalidOperationException("No answer set.");
        Definition = definition ?? new ProviderDefinition(name,
        [
            new ProviderSetting("from_number", ProviderSettingKind.PhoneNumber, "Sender") { IdentityKind = ProviderIdentityKinds.PhoneNumber, IsSender = true },
        ],
        [
            new ProviderCredentialField("account_sid", "Account"),
            new ProviderCredentialField("auth_token", "Secret"),
        ]);
    }

    public ProviderDefinition Definition { get; }

    public string Name => Definition.Name;

    /// <summary>When set, every call waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>What a lookup answers; by default a mobile line with a carrier named after the number.</summary>
    public Func<string, PhoneLookupResult> Answer { get; set; }

    public int LookupCalls => Volatile.Read(ref _lookups);

    public int SendCalls => Volatile.Read(ref _sends);

    public ConcurrentQueue<(SmsSendRequest Request, ProviderContext Context)> Sent { get; } = new();

    /// <summary>Completes when the first call (of either kind) reaches the provider.</summary>
    public Task FirstCall => _firstCall.Task;

    public async Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookups);
        _firstCall.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Answer(e164);
    }

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _sends);
        _firstCall.TrySetResult();
        Sent.Enqueue((request, context));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return new SmsSendResult { ProviderMessageId = $"{Name.ToUpperInvariant()}-{request.MessageId}-{n}", Status = PhoneHub.Messaging.SmsStatus.Sent, From = request.From ?? context.Setting("from_number") };
    }

    public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ConnectionTestResult.Ok("fake"));

    public FakeProvider WithDefaultAnswer()
    {
        Answer = e164 => new PhoneLookupResult
        {
            Provider = Name,
            IsValid = true,
            Carrier = "Carrier " + e164,
            LineType = LineTypes.Mobile,
            IsMobile = true,
            IsVoip = false,
            CallerName = "Ada",
            CallerType = CallerType.Consumer,
            RawData = "{\"raw\":true}",
        };
        return this;
    }
}
