using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.Configuration;
using PhoneHub.Diagnostics;
using PhoneHub.Normalization;
using PhoneHub.Stores;

namespace PhoneHub.Lookup;

/// <summary>The default <see cref="IPhoneNumberService"/>.</summary>
internal sealed class PhoneNumberService(
    IPhoneNumberStore store,
    SharedLookupCache cache,
    PhoneNormalizer normalizer,
    IOptions<PhoneHubOptions> options,
    TimeProvider time,
    ILogger<PhoneNumberService> logger) : IPhoneNumberService
{
    private const int MaxFieldLength = 200;

    public Task<PhoneNumber?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public Task<PhoneNumber?> FindAsync(string phoneNumber, string? defaultRegion = null, CancellationToken cancellationToken = default) =>
        store.FindAsync(normalizer.Normalize(phoneNumber, defaultRegion ?? options.Value.DefaultRegion), cancellationToken);

    public Task<Page<PhoneNumber>> ListAsync(PhoneNumberQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new Dictionary<string, string[]>();
        if (query.Contains is { } contains && (contains.Length > 20 || !contains.TrimStart('+').All(char.IsAsciiDigit)))
        {
            errors["contains"] = ["'contains' must be up to 20 digits of the number, optionally after '+'."];
        }

        if (query.LineType is { } lineType && !LineTypes.IsKnown(lineType))
        {
            errors["line_type"] = [$"'line_type' must be one of: {string.Join(", ", LineTypes.All)}."];
        }

        if (errors.Count > 0)
        {
            throw new PhoneHubValidationException(errors);
        }

        return store.ListAsync(query, cancellationToken);
    }

    public async Task<PhoneNumberWriteResult> SaveAsync(string phoneNumber, PhoneNumberPatch patch, string? defaultRegion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var parsed = normalizer.Parse(phoneNumber, defaultRegion ?? options.Value.DefaultRegion);
        Validate(patch);
        var now = time.GetUtcNow();
        var existing = await store.FindAsync(parsed.E164, cancellationToken).ConfigureAwait(false);

        // A new record starts from what numbering-plan metadata says; it has no lookup expiry, so the first paying
        // lookup still asks the provider.
        var baseline = existing ?? MetadataLookup.ToRecord(parsed, PhoneProviders.Local, now);
        var stored = await store.UpsertAsync(Apply(baseline, patch) with { Modified = now }, cancellationToken).ConfigureAwait(false);
        await cache.ForgetAsync(stored.E164, CancellationToken.None).ConfigureAwait(false);
        Log.PhoneNumberWritten(logger, stored.Id, existing is null ? "created" : "updated");
        return new PhoneNumberWriteResult(stored, existing is null);
    }

    public async Task<PhoneNumber?> UpdateAsync(long id, PhoneNumberPatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        Validate(patch);
        var existing = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        var stored = await store.UpsertAsync(Apply(existing, patch) with { Modified = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        await cache.ForgetAsync(stored.E164, CancellationToken.None).ConfigureAwait(false);
        Log.PhoneNumberWritten(logger, stored.Id, "updated");
        return stored;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        var existing = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null || !await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await cache.ForgetAsync(existing.E164, CancellationToken.None).ConfigureAwait(false);
        Log.PhoneNumberWritten(logger, id, "deleted");
        return true;
    }

    private static void Validate(PhoneNumberPatch patch)
    {
        var errors = new Dictionary<string, string[]>();
        void Length(string field, string? value)
        {
            if (value is { Length: > MaxFieldLength })
            {
                errors[field] = [$"'{field}' must be at most {MaxFieldLength} characters."];
            }
        }

        Length("carrier", patch.Carrier);
        Length("caller_name", patch.CallerName);
        Length("address_street", patch.AddressStreet);
        Length("address_city", patch.AddressCity);
        Length("address_state", patch.AddressState);
        Length("address_postal_code", patch.AddressPostalCode);
        Length("address_country", patch.AddressCountry);
        if (patch.LineType is { Length: > 0 } lineType && !LineTypes.IsKnown(lineType))
        {
            errors["line_type"] = [$"'line_type' must be one of: {string.Join(", ", LineTypes.All)}."];
        }

        if (patch.CallerType is { Length: > 0 } callerType && CallerTypeOf(callerType) is null)
        {
            errors["caller_type"] = ["'caller_type' must be 'business' or 'consumer'."];
        }

        if (errors.Count > 0)
        {
            throw new PhoneHubValidationException(errors);
        }
    }

    private static CallerType? CallerTypeOf(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "business" => CallerType.Business,
        "consumer" => CallerType.Consumer,
        _ => null,
    };

    // Fields present in the patch replace the record's; an empty string clears a text field.
    private static PhoneNumber Apply(PhoneNumber record, PhoneNumberPatch patch) => record with
    {
        Carrier = Text(patch.Carrier, record.Carrier),
        LineType = Text(patch.LineType, record.LineType),
        IsMobile = patch.IsMobile ?? record.IsMobile,
        IsVoip = patch.IsVoip ?? record.IsVoip,
        CallerName = Text(patch.CallerName, record.CallerName),
        CallerType = patch.CallerType is null ? record.CallerType : CallerTypeOf(patch.CallerType),
        AddressStreet = Text(patch.AddressStreet, record.AddressStreet),
        AddressCity = Text(patch.AddressCity, record.AddressCity),
        AddressState = Text(patch.AddressState, record.AddressState),
        AddressPostalCode = Text(patch.AddressPostalCode, record.AddressPostalCode),
        AddressCountry = Text(patch.AddressCountry, record.AddressCountry),
    };

    private static string? Text(string? given, string? current) => given is null ? current : (given.Trim() is { Length: > 0 } t ? t : null);
}
