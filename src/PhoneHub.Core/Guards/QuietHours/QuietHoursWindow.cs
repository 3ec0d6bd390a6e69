namespace PhoneHub.Guards.QuietHours;

/// <summary>The next moment at which a local window holds in every one of a number's time zones.</summary>
internal static class QuietHoursWindow
{
    // Far enough to see every window start at least once in each zone, whatever the offsets and DST.
    private const int DaysAhead = 8;

    /// <summary>Whether local time <paramref name="time"/> is inside [<paramref name="start"/>, <paramref name="end"/>), which may span midnight.</summary>
    public static bool Contains(TimeOnly start, TimeOnly end, TimeOnly time) =>
        start <= end ? time >= start && time < end : time >= start || time < end;

    /// <summary>Whether the window holds at <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static bool HoldsAt(DateTimeOffset instant, TimeZoneInfo zone, TimeOnly start, TimeOnly end) =>
        Contains(start, end, TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime));

    /// <summary>
    /// The earliest moment at or after <paramref name="from"/> at which the window holds in every zone. When no moment
    /// does (zones further apart than the window is long, as for a toll-free number that maps to every NANP zone), the
    /// earliest moment at which it holds in the most zones.
    /// </summary>
    public static DateTimeOffset NextAllowed(DateTimeOffset from, IReadOnlyList<TimeZoneInfo> zones, TimeOnly start, TimeOnly end)
    {
        if (zones.Count == 0 || Count(from, zones, start, end) == zones.Count)
        {
            return from;
        }

        // Where the windows overlap, the overlap begins where some zone's window begins: those are the only candidates.
        var candidates = new List<DateTimeOffset>();
        foreach (var zone in zones)
        {
            var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
            for (var d = -1; d <= DaysAhead; d++)
            {
                if (StartOf(localDay.AddDays(d), start, zone) is { } instant && instant > from)
                {
                    candidates.Add(instant);
                }
            }
        }

        candidates.Sort();
        DateTimeOffset? best = null;
        var bestCount = -1;
        foreach (var candidate in candidates)
        {
            var count = Count(candidate, zones, start, end);
            if (count == zones.Count)
            {
                return candidate;
            }

            if (count > bestCount)
            {
                best = candidate;
                bestCount = count;
            }
        }

        return best ?? from;
    }

    private static int Count(DateTimeOffset instant, IReadOnlyList<TimeZoneInfo> zones, TimeOnly start, TimeOnly end)
    {
        var count = 0;
        foreach (var zone in zones)
        {
            if (HoldsAt(instant, zone, start, end))
            {
                count++;
            }
        }

        return count;
    }

    // The instant the window opens on a local day; a start inside a DST gap opens when the clocks reach it.
    private static DateTimeOffset? StartOf(DateOnly day, TimeOnly start, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(start, DateTimeKind.Unspecified);
        for (var step = 0; step < 8 && zone.IsInvalidTime(local); step++)
        {
            local = local.AddMinutes(30);
        }

        if (zone.IsInvalidTime(local))
        {
            return null;
        }

        var utc = TimeZoneInfo.ConvertTimeToUtc(local, zone);
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }
}
