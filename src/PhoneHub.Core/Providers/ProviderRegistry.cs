using PhoneHub.Configuration;
using PhoneHub.Providers.Testing;

namespace PhoneHub.Providers;

/// <summary>Finds the provider a config uses: the test provider in test mode, otherwise the one registered under the config's provider name.</summary>
internal sealed class ProviderRegistry
{
    private readonly TestPhoneProvider _test;
    private readonly Dictionary<string, ISmsProvider> _senders;
    private readonly Dictionary<string, IPhoneLookupProvider> _lookups;

    public ProviderRegistry(IEnumerable<ISmsProvider> senders, IEnumerable<IPhoneLookupProvider> lookups, TestPhoneProvider test)
    {
        _test = test;
        // Later registrations win, as with DI's own single-service resolution.
        _senders = new Dictionary<string, ISmsProvider>(StringComparer.OrdinalIgnoreCase) { [test.Name] = test };
        foreach (var sender in senders)
        {
            _senders[sender.Definition.Name] = sender;
        }

        _lookups = new Dictionary<string, IPhoneLookupProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var lookup in lookups)
        {
            _lookups[lookup.Name] = lookup;
        }

        Definitions = [.. _senders.Values.Select(s => s.Definition).OrderBy(d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every registered provider's definition, by name (the built-in test provider included).</summary>
    public IReadOnlyList<ProviderDefinition> Definitions { get; }

    public ISmsProvider GetSender(PhoneConfig config) =>
        config.TestMode ? _test
        : _senders.TryGetValue(config.Provider, out var sender) ? sender
        : throw new ProviderNotRegisteredException(config.Provider);

    /// <summary>The lookup provider for <paramref name="config"/>, or <see langword="null"/> when its provider has no lookup API (such as SNS).</summary>
    public IPhoneLookupProvider? FindLookup(PhoneConfig config) =>
        config.TestMode ? _test : _lookups.GetValueOrDefault(config.Provider);

    public ProviderDefinition? FindDefinition(string? provider) =>
        provider is not null && _senders.TryGetValue(provider, out var sender) ? sender.Definition : null;

    public bool IsRegistered(string provider) => _senders.ContainsKey(provider);
}
