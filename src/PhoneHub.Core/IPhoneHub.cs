using PhoneHub.Configuration;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Normalization;
using PhoneHub.Reports;

namespace PhoneHub;

/// <summary>
/// PhoneHub's injectable entry point: normalization, lookups, sending and receiving. Register it with
/// <c>services.AddPhoneHub()</c>. The static <see cref="Phone"/> class is an optional veneer over it.
/// </summary>
public interface IPhoneHub
{
    /// <summary>The lookup service.</summary>
    IPhoneLookupService Lookups { get; }

    /// <summary>The shared phone-number records (the one write path of the lookup cache).</summary>
    IPhoneNumberService Numbers { get; }

    /// <summary>The SMS service.</summary>
    ISmsService Messages { get; }

    /// <summary>The config service.</summary>
    IPhoneConfigService Configs { get; }

    /// <summary>The opt-out lists (one per group) that every send is checked against.</summary>
    IOptOutService OptOuts { get; }

    /// <summary>Message, lookup and spend reports.</summary>
    ISmsReportService Reports { get; }

    /// <summary>Normalizes a number to E.164.</summary>
    /// <param name="input">The number as written.</param>
    /// <param name="defaultRegion">The region for numbers without a country code; by default <see cref="PhoneHubOptions.DefaultRegion"/>.</param>
    /// <returns>The E.164 number.</returns>
    /// <exception cref="InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    string Normalize(string input, string? defaultRegion = null);

    /// <summary>Normalizes a number to E.164 without throwing.</summary>
    /// <param name="input">The number as written.</param>
    /// <param name="e164">The E.164 number on success.</param>
    /// <param name="defaultRegion">The region for numbers without a country code; by default <see cref="PhoneHubOptions.DefaultRegion"/>.</param>
    /// <returns>Whether the input is valid.</returns>
    bool TryNormalize(string? input, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? e164, string? defaultRegion = null);

    /// <summary>Parses and validates a number.</summary>
    /// <param name="input">The number as written.</param>
    /// <param name="defaultRegion">The region for numbers without a country code; by default <see cref="PhoneHubOptions.DefaultRegion"/>.</param>
    /// <returns>The parsed number.</returns>
    /// <exception cref="InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    ParsedPhoneNumber Parse(string input, string? defaultRegion = null);

    /// <summary>Looks a number up through the shared cache (see <see cref="IPhoneLookupService.LookupAsync"/>).</summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="forceRefresh">Ask the provider even when the cache is fresh.</param>
    /// <param name="group">The group whose config applies.</param>
    /// <param name="user">The user asking, recorded on the trace.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What is known about the number.</returns>
    Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Sends an SMS (see <see cref="ISmsService.SendAsync"/>).</summary>
    /// <param name="toNumber">The recipient as written.</param>
    /// <param name="body">The text.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message in its final state.</returns>
    Task<SmsMessage> SendSmsAsync(string toNumber, string body, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Sends an SMS or MMS (see <see cref="ISmsService.SendAsync"/>).</summary>
    /// <param name="request">What to send.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message in its final state.</returns>
    Task<SmsMessage> SendSmsAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Stores an inbound message once per provider id (see <see cref="ISmsService.HandleIncomingAsync"/>).</summary>
    /// <param name="incoming">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message and whether this call stored it.</returns>
    Task<IncomingSmsResult> HandleIncomingSmsAsync(IncomingSms incoming, CancellationToken cancellationToken = default);
}
