using System.Globalization;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>How values look on the pages: invariant culture and UTC, so every operator reads the same figures.</summary>
internal static class DashboardFormat
{
    public static string Time(DateTimeOffset? value) =>
        value is { } time ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A charge as an amount; Twilio reports charges as negative numbers, so the magnitude is shown.</summary>
    public static string Price(decimal? price, string? unit) => price is { } value
        ? Math.Abs(value).ToString("0.#####", CultureInfo.InvariantCulture) + (unit is null ? "" : " " + unit)
        : "";

    public static HtmlWriter Status(this HtmlWriter html, SmsStatus status)
    {
        var name = status.ToWireName();
        return html.Element("span", name, "status " + name);
    }

    public static string Direction(SmsDirection direction) => direction == SmsDirection.Inbound ? "inbound" : "outbound";

    /// <summary>The first characters of a body, for a table cell.</summary>
    public static string Excerpt(string body, int length = 60) =>
        body.Length <= length ? body : string.Concat(body.AsSpan(0, length), "…");
}
