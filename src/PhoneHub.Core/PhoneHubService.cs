using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Guards.OptOuts;
using PhoneHub.Lookup;
using PhoneHub.Messaging;
using PhoneHub.Hosting;
using PhoneHub.Normalization;
using PhoneHub.Reports;
using PhoneHub.Stores;

namespace PhoneHub;

/// <summary>The default <see cref="IPhoneHub"/>: a thin front over the services.</summary>
internal sealed class PhoneHubService : IPhoneHub
{
    private readonly IPhoneLookupService lookups;
    private readonly ISmsService messages;
    private readonly IPhoneConfigService configs;
    private readonly IPhoneNumberService numbers;
    private readonly IOptOutService optOuts;
    private readonly ISmsReportService reports;
    private readonly PhoneNormalizer normalizer;
    private readonly IOptions<PhoneHubOptions> options;

    public PhoneHubService(
        IPhoneLookupService lookups,
        ISmsService messages,
        IPhoneConfigService configs,
        IPhoneNumberService numbers,
        IOptOutService optOuts,
        ISmsReportService reports,
        PhoneNormalizer normalizer,
        IOptions<PhoneHubOptions> options,
        IPhoneNumberStore numberStore,
        ISmsStore smsStore,
        IPhoneConfigStore configStore,
        IOptOutStore optOutStore,
        ISmsUsageStore usageStore,
        LookupUsageFlusher lookupUsage)
    {
        // Hosts without a generic host never run PhoneHubStartup: the hub itself refuses mixed stores.
        StoreRegistration.Validate([
            (nameof(IPhoneNumberStore), numberStore), (nameof(ISmsStore), smsStore), (nameof(IPhoneConfigStore), configStore),
            (nameof(IOptOutStore), optOutStore), (nameof(ISmsUsageStore), usageStore)]);

        // Taking it starts the periodic storing of this process's lookup counts.
        _ = lookupUsage;
        this.optOuts = optOuts;
        this.reports = reports;
        this.lookups = lookups;
        this.messages = messages;
        this.configs = configs;
        this.numbers = numbers;
        this.normalizer = normalizer;
        this.options = options;
    }

    public IPhoneLookupService Lookups => lookups;

    public IPhoneNumberService Numbers => numbers;

    public ISmsService Messages => messages;

    public IPhoneConfigService Configs => configs;

    public IOptOutService OptOuts => optOuts;

    public ISmsReportService Reports => reports;

    public string Normalize(string input, string? defaultRegion = null) =>
        normalizer.Normalize(input, defaultRegion ?? options.Value.DefaultRegion);

    public bool TryNormalize(string? input, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? e164, string? defaultRegion = null) =>
        normalizer.TryNormalize(input, out e164, defaultRegion ?? options.Value.DefaultRegion);

    public ParsedPhoneNumber Parse(string input, string? defaultRegion = null) =>
        normalizer.Parse(input, defaultRegion ?? options.Value.DefaultRegion);

    public Task<PhoneNumber> LookupAsync(string phoneNumber, bool forceRefresh = false, string? group = null, string? user = null, CancellationToken cancellationToken = default)
    {
        System.Diagnostics.Activity.Current?.SetTag("phonehub.user", user);
        return lookups.LookupAsync(phoneNumber, forceRefresh, group, cancellationToken);
    }

    public Task<SmsMessage> SendSmsAsync(string toNumber, string body, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        messages.SendAsync(new SendSmsRequest { To = toNumber, Body = body }, group, user, cancellationToken);

    public Task<SmsMessage> SendSmsAsync(SendSmsRequest request, string? group = null, string? user = null, CancellationToken cancellationToken = default) =>
        messages.SendAsync(request, group, user, cancellationToken);

    public Task<IncomingSmsResult> HandleIncomingSmsAsync(IncomingSms incoming, CancellationToken cancellationToken = default) =>
        messages.HandleIncomingAsync(incoming, cancellationToken);
}
