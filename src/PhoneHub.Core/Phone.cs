using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Normalization;

namespace PhoneHub;

/// <summary>
/// An optional static entry point over <see cref="IPhoneHub"/>, for code that cannot take it by injection.
/// <see cref="Normalize"/>, <see cref="TryNormalize"/> and <see cref="Parse"/> need no setup; the I/O methods need the
/// host to bind a container first with <c>host.Services.UsePhoneHub()</c> (or <see cref="Use(IServiceProvider)"/>).
/// </summary>
/// <remarks>
/// Named <c>Phone</c>, not <c>PhoneHub</c>: in code that uses the <c>PhoneHub</c> namespace, C# would resolve
/// <c>PhoneHub.Normalize(...)</c> to the namespace and fail to compile.
/// </remarks>
public static class Phone
{
    private static volatile IPhoneHub? _hub;

    /// <summary>Whether a hub is bound.</summary>
    public static bool IsBound => _hub is not null;

    /// <summary>The bound hub.</summary>
    /// <exception cref="InvalidOperationException">None is bound.</exception>
    public static IPhoneHub Hub => _hub ?? throw new InvalidOperationException(
        "PhoneHub's static Phone class is not bound to a container. Register PhoneHub with services.AddPhoneHub(...) and, " +
        "after building the host, call host.Services.UsePhoneHub() (or Phone.Use(serviceProvider)); or inject IPhoneHub instead.");

    /// <summary>Binds the facade to the <see cref="IPhoneHub"/> of <paramref name="services"/>.</summary>
    /// <param name="services">A container where <c>AddPhoneHub</c> was called.</param>
    public static void Use(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _hub = services.GetRequiredService<IPhoneHub>();
    }

    /// <summary>Binds the facade to <paramref name="hub"/>.</summary>
    /// <param name="hub">The hub.</param>
    public static void Use(IPhoneHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        _hub = hub;
    }

    /// <summary>Unbinds the facade (for tests and shutdown).</summary>
    public static void Reset() => _hub = null;

    /// <summary>Normalizes a number to E.164. Needs no setup.</summary>
    /// <param name="input">The number as written, for example <c>(415) 555-1234</c>.</param>
    /// <param name="defaultRegion">The region for numbers without a country code (case-insensitive). Default <c>US</c>.</param>
    /// <returns>The E.164 number, for example <c>+14155551234</c>.</returns>
    /// <exception cref="InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    public static string Normalize(string input, string defaultRegion = PhoneNormalizer.DefaultRegion) =>
        PhoneNormalizer.Shared.Normalize(input, defaultRegion);

    /// <summary>Normalizes a number to E.164 without throwing. Needs no setup.</summary>
    /// <param name="input">The number as written.</param>
    /// <param name="e164">The E.164 number on success.</param>
    /// <param name="defaultRegion">The region for numbers without a country code. Default <c>US</c>.</param>
    /// <returns>Whether the input is valid.</returns>
    public static bool TryNormalize(string? input, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? e164, string defaultRegion = PhoneNormalizer.DefaultRegion) =>
        PhoneNormalizer.Shared.TryNormalize(input, out e164, defaultRegion);

    /// <summary>Parses and validates a number. Needs no setup.</summary>
    /// <param name="input">The number as written.</param>
    /// <param name="defaultRegion">The region for numbers without a country code. Default <c>US</c>.</param>
    /// <returns>The parsed number.</returns>
    /// <exception cref="InvalidPhoneNumberException">The input is not a valid phone number.</exception>
    public static ParsedPhoneNumber Parse(string input, string defaultRegion = PhoneNormalizer.DefaultRegion) =>
        PhoneNormalizer.Shared.Parse(input, defaultRegion);

    /// <summary>Looks a number up (see <see cref="IPhoneHub.LookupAsync"/>).</summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="forceRefresh">Ask the provider even when the cache is fresh.</param>
    /// <param name="group">The group whose config applies.</param>
    /// <param name="user">The user asking.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What is known about the number.</returns>
    public static Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        Hub.LookupAsync(phoneNumber, forceRefresh, group, user, cancellationToken);

    /// <summary>
    /// Blocking form of <see cref="LookupAsync"/>, for code that cannot be async (scripts, legacy callers). It blocks a
    /// thread on I/O: prefer <see cref="LookupAsync"/> anywhere async is possible.
    /// </summary>
    /// <param name="phoneNumber">The number as written.</param>
    /// <param name="forceRefresh">Ask the provider even when the cache is fresh.</param>
    /// <param name="group">The group whose config applies.</param>
    /// <param name="user">The user asking.</param>
    /// <returns>What is known about the number.</returns>
    public static PhoneNumber Lookup(string phoneNumber, bool forceRefresh = false, string? group = null, string? user = null) =>
        Hub.LookupAsync(phoneNumber, forceRefresh, group, user).GetAwaiter().GetResult();

    /// <summary>Sends an SMS (see <see cref="IPhoneHub.SendSmsAsync(string, string, string?, string?, CancellationToken)"/>).</summary>
    /// <param name="to">The recipient as written.</param>
    /// <param name="body">The text.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message in its final state.</returns>
    public static Task<SmsMessage> SendSmsAsync(string to, string body, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        Hub.SendSmsAsync(to, body, group, user, cancellationToken);

    /// <summary>Sends an SMS or MMS.</summary>
    /// <param name="request">What to send.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message in its final state.</returns>
    public static Task<SmsMessage> SendSmsAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        Hub.SendSmsAsync(request, group, user, cancellationToken);

    /// <summary>
    /// Blocking form of <see cref="SendSmsAsync(string, string, string?, string?, CancellationToken)"/>. It blocks a
    /// thread on I/O: prefer the async form anywhere async is possible.
    /// </summary>
    /// <param name="to">The recipient as written.</param>
    /// <param name="body">The text.</param>
    /// <param name="group">The sending group.</param>
    /// <param name="user">The sending user.</param>
    /// <returns>The stored message in its final state.</returns>
    public static SmsMessage SendSms(string to, string body, string? group = null, string? user = null) =>
        Hub.SendSmsAsync(to, body, group, user).GetAwaiter().GetResult();

    /// <summary>Stores an inbound message once per provider id.</summary>
    /// <param name="incoming">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored message and whether this call stored it.</returns>
    public static Task<IncomingSmsResult> HandleIncomingSmsAsync(IncomingSms incoming, CancellationToken cancellationToken = default) =>
        Hub.HandleIncomingSmsAsync(incoming, cancellationToken);
}
