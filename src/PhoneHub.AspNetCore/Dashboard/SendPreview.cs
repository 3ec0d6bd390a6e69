using System.Globalization;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// What a body will cost before it is sent: encoding and segments as Core counts them when it records the message
/// (<see cref="SmsEncoding"/>), and a price estimate from what the group's recent messages were charged per segment.
/// </summary>
/// <param name="Characters">UTF-16 code units, as providers count UCS-2 text.</param>
/// <param name="Encoding"><c>GSM-7</c> or <c>UCS-2</c>.</param>
/// <param name="Segments">The segments the body takes.</param>
/// <param name="PerSegment">Characters per segment for this encoding and length (160/153 or 70/67).</param>
/// <param name="EstimatedPrice">Segments times the recent price per segment; <see langword="null"/> when no recent message was priced.</param>
/// <param name="PriceUnit">The currency of the estimate.</param>
internal sealed record SendPreview(int Characters, string Encoding, int Segments, int PerSegment, decimal? EstimatedPrice, string? PriceUnit)
{
    /// <summary>How many recent outbound messages the price per segment is taken from.</summary>
    public const int PriceSample = 100;

    public string Summary
    {
        get
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{Characters} characters · {Encoding} · {Segments} segment{(Segments == 1 ? "" : "s")} ({PerSegment} characters each)");
            return EstimatedPrice is { } price
                ? text + " · about " + DashboardFormat.Price(price, PriceUnit) + " (from recent messages)"
                : text + " · no price known yet";
        }
    }

    public static async Task<SendPreview> ForAsync(string body, string? group, ISmsService messages, CancellationToken cancellationToken)
    {
        var gsm = SmsEncoding.IsGsm7(body);
        var segments = SmsEncoding.CountSegments(body);
        var perSegment = gsm ? (segments == 1 ? 160 : 153) : (segments == 1 ? 70 : 67);

        // Providers price per segment, so the group's recent charges per segment are the best estimate PhoneHub has
        // until a price table exists. Twilio reports charges as negative amounts; the magnitude is the price.
        var recent = await messages.ListAsync(new SmsQuery { Group = group, Direction = SmsDirection.Outbound, Limit = PriceSample }, cancellationToken)
            .ConfigureAwait(false);
        var priced = recent.Items.Where(m => m.Price is not null && m.Segments > 0).ToList();
        decimal? estimate = null;
        string? unit = null;
        if (priced.Count > 0)
        {
            unit = priced.GroupBy(m => m.PriceUnit).OrderByDescending(g => g.Count()).First().Key;
            var sameUnit = priced.Where(m => m.PriceUnit == unit).ToList();
            var perSegmentPrice = sameUnit.Sum(m => Math.Abs(m.Price!.Value)) / sameUnit.Sum(m => m.Segments);
            estimate = Math.Round(perSegmentPrice * segments, 5);
        }

        return new SendPreview(body.Length, gsm ? "GSM-7" : "UCS-2", segments, perSegment, estimate, unit);
    }
}
