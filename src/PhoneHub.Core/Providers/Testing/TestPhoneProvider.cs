using System.Security.Cryptography;
using PhoneHub.Configuration;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Normalization;

namespace PhoneHub.Providers.Testing;

/// <summary>
/// The provider used by configs in test mode: sends nothing and calls no network. Sends succeed with a
/// <c>TEST...</c> id; lookups describe the number from numbering-plan metadata and are marked with provider <c>test</c>.
/// </summary>
public sealed class TestPhoneProvider : ISmsProvider, IPhoneLookupProvider
{
    private readonly PhoneNormalizer _normalizer;

    /// <summary>Creates the provider.</summary>
    /// <param name="normalizer">Reads numbers for metadata lookups.</param>
    public TestPhoneProvider(PhoneNormalizer normalizer) => _normalizer = normalizer;

    /// <summary>Setting: a number the test config "sends" from and receives on (so inbound paths can be tried without an account).</summary>
    public const string FromNumber = "from_number";

    /// <summary>The definition: an optional from number, no credentials.</summary>
    public static ProviderDefinition TestDefinition { get; } = new(
        PhoneProviders.Test,
        [
            new ProviderSetting(FromNumber, ProviderSettingKind.PhoneNumber, "A number the test config sends from and receives on (nothing is sent).")
            {
                IdentityKind = ProviderIdentityKinds.PhoneNumber,
                IsSender = true,
            },
        ]);

    /// <inheritdoc />
    public ProviderDefinition Definition => TestDefinition;

    /// <inheritdoc />
    public string Name => PhoneProviders.Test;

    /// <inheritdoc />
    public Task<SmsSendResult> SendAsync(SmsSendRequest request, ProviderContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new SmsSendResult
        {
            ProviderMessageId = "TEST" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Status = SmsStatus.Sent,
            From = request.From,
        });
    }

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestConnectionAsync(ProviderContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ConnectionTestResult.Ok("Test mode: no provider is called."));

    /// <inheritdoc />
    public Task<PhoneLookupResult> LookupAsync(string e164, ProviderContext context, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(MetadataLookup.Describe(_normalizer.Parse(e164, null), PhoneProviders.Test));
    }
}
