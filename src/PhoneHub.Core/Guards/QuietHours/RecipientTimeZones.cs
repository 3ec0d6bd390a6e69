using System.Collections.Concurrent;
using PhoneNumbers;

namespace PhoneHub.Guards.QuietHours;

/// <summary>
/// The time zones of a number from libphonenumber's time-zone metadata (a US number by area code; a mobile number of a
/// country with several zones maps to all of them). Unknown numbers map to none.
/// </summary>
internal sealed class RecipientTimeZones
{
    private const int MaxCachedNumbers = 4096;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Mapper = PhoneNumberToTimeZonesMapper.GetInstance();
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Zones = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, TimeZoneInfo[]> _byNumber = new(StringComparer.Ordinal);

    public IReadOnlyList<TimeZoneInfo> For(string e164)
    {
        if (_byNumber.TryGetValue(e164, out var cached))
        {
            return cached;
        }

        TimeZoneInfo[] zones;
        try
        {
            var ids = Mapper.GetTimeZonesForNumber(Util.Parse(e164, null));
            zones = [.. ids.Where(id => id != Mapper.GetUnknownTimeZone()).Select(Find).OfType<TimeZoneInfo>()];
        }
        catch (NumberParseException)
        {
            zones = [];
        }

        if (_byNumber.Count >= MaxCachedNumbers)
        {
            _byNumber.Clear();
        }

        _byNumber[e164] = zones;
        return zones;
    }

    private static TimeZoneInfo? Find(string id) =>
        Zones.GetOrAdd(id, static i => TimeZoneInfo.TryFindSystemTimeZoneById(i, out var zone) ? zone : null);
}
