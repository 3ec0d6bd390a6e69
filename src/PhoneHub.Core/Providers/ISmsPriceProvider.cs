namespace PhoneHub.Providers;

/// <summary>
/// A provider that tells what it charged for a message after the fact (Twilio prices a message some time after sending
/// it; its status callbacks carry no price), implemented by the same class as its <see cref="ISmsProvider"/>. PhoneHub
/// asks once a message reaches a final status while it has only an estimate.
/// </summary>
public interface ISmsPriceProvider
{
    /// <summary>Fetches the message's price.</summary>
    /// <param name="providerMessageId">The provider's id for the message.</param>
    /// <param name="context">The config it went through, with its credentials.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The price, or <see langword="null"/> when the provider has not priced it yet.</returns>
    Task<SmsProviderPrice?> GetPriceAsync(string providerMessageId, ProviderContext context, CancellationToken cancellationToken = default);
}

/// <summary>What a provider charged for a message.</summary>
/// <param name="Price">The amount as the provider reports it (Twilio: negative for a charge).</param>
/// <param name="Unit">The currency, for example <c>USD</c>.</param>
public sealed record SmsProviderPrice(decimal Price, string? Unit);
