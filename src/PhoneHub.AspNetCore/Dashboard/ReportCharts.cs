using System.Globalization;
using PhoneHub.Messaging;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>A status category of the reports: several statuses that an operator reads as one outcome.</summary>
/// <param name="Key">The CSS class and data attribute value.</param>
/// <param name="Title">The legend text.</param>
internal sealed record ReportCategory(string Key, string Title);

/// <summary>
/// Bar charts as inline SVG, drawn on the server. Colors come from the style sheet through classes (the content security
/// policy allows no inline style); every bar has a <c>title</c> with its figure, and the page repeats the figures in a table.
/// </summary>
internal static class ReportCharts
{
    private const int Width = 760;
    private const int Height = 220;
    private const int Left = 48;
    private const int Right = 8;
    private const int Top = 10;
    private const int Bottom = 28;

    /// <summary>The categories, in stacking order (bottom first).</summary>
    public static IReadOnlyList<ReportCategory> Categories { get; } =
    [
        new("delivered", "Delivered"),
        new("sent", "Sent"),
        new("waiting", "Waiting"),
        new("failed", "Failed"),
        new("canceled", "Canceled"),
        new("received", "Received"),
    ];

    public static int CategoryIndex(string key) => Categories.Select((c, i) => (c, i)).First(p => p.c.Key == key).i;

    /// <summary>The category a status counts in.</summary>
    public static int CategoryOf(SmsStatus status) => CategoryIndex(status switch
    {
        SmsStatus.Delivered or SmsStatus.Read => "delivered",
        SmsStatus.Sent or SmsStatus.Accepted => "sent",
        SmsStatus.Queued or SmsStatus.Scheduled or SmsStatus.Sending => "waiting",
        SmsStatus.Failed or SmsStatus.Undelivered => "failed",
        SmsStatus.Canceled => "canceled",
        _ => "received",
    });

    /// <summary>One stacked bar per day, a segment per category.</summary>
    public static void StackedBars(HtmlWriter html, string name, IReadOnlyList<(DateOnly Day, IReadOnlyList<int> Counts)> days, IReadOnlyList<ReportCategory> categories)
    {
        var max = NiceCeiling(days.Count == 0 ? 0 : days.Max(d => d.Counts.Sum()));
        Frame(html, name, days.Select(d => d.Day).ToList(), max, v => v.ToString("0.#", CultureInfo.InvariantCulture), (slot, x, width) =>
        {
            var (day, counts) = days[slot];
            double y = Height - Bottom;
            for (var i = 0; i < categories.Count; i++)
            {
                if (counts[i] == 0)
                {
                    continue;
                }

                var h = (Height - Top - Bottom) * counts[i] / max;
                y -= h;
                html.Raw("<rect").Attr("class", "bar " + categories[i].Key)
                    .Attr("x", F(x)).Attr("y", F(y)).Attr("width", F(width)).Attr("height", F(h))
                    .Attr("data-day", Day(day)).Attr("data-category", categories[i].Key).Attr("data-count", DashboardFormat.Number(counts[i])).Raw(">")
                    .Raw("<title>").Text($"{Day(day)}: {counts[i]} {categories[i].Title.ToLowerInvariant()}").Raw("</title></rect>");
            }
        });
    }

    /// <summary>One bar per day.</summary>
    public static void Bars(HtmlWriter html, string name, IReadOnlyList<(DateOnly Day, decimal Value)> days, Func<decimal, string> format)
    {
        var max = NiceCeiling(days.Count == 0 ? 0 : (double)days.Max(d => d.Value));
        // The axis shows bare amounts (the heading names the currency); each bar's title shows the amount with it.
        Frame(html, name, days.Select(d => d.Day).ToList(), max, v => v.ToString("0.#####", CultureInfo.InvariantCulture), (slot, x, width) =>
        {
            var (day, value) = days[slot];
            if (value <= 0)
            {
                return;
            }

            var h = (Height - Top - Bottom) * (double)value / max;
            html.Raw("<rect class=\"bar spend\"").Attr("x", F(x)).Attr("y", F(Height - Bottom - h)).Attr("width", F(width)).Attr("height", F(h))
                .Attr("data-day", Day(day)).Attr("data-value", value.ToString(CultureInfo.InvariantCulture)).Raw(">")
                .Raw("<title>").Text($"{Day(day)}: {format(value)}").Raw("</title></rect>");
        });
    }

    public static void Legend(HtmlWriter html, IReadOnlyList<ReportCategory> categories)
    {
        html.Raw("<ul class=\"legend\">");
        foreach (var category in categories)
        {
            html.Raw("<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect").Attr("class", "bar " + category.Key)
                .Raw(" width=\"12\" height=\"12\"></rect></svg>").Text(category.Title).Raw("</li>");
        }

        html.Raw("</ul>");
    }

    /// <summary>Axes, grid lines and day labels; <paramref name="bar"/> draws the bars of one day slot.</summary>
    private static void Frame(HtmlWriter html, string name, List<DateOnly> days, double max, Func<double, string> format, Action<int, double, double> bar)
    {
        html.Raw("<svg class=\"chart\" role=\"img\"").Attr("data-chart", name)
            .Attr("viewBox", $"0 0 {Width} {Height}").Attr("aria-label", name == "spend" ? "Spend per day" : "Messages per day by status").Raw(">");
        var plotHeight = Height - Top - Bottom;
        foreach (var fraction in new[] { 0.0, 0.5, 1.0 })
        {
            var y = Height - Bottom - (plotHeight * fraction);
            var value = max * fraction;
            html.Raw("<line class=\"grid\"").Attr("x1", F(Left)).Attr("x2", F(Width - Right)).Attr("y1", F(y)).Attr("y2", F(y)).Raw("></line>")
                .Raw("<text class=\"axis\" text-anchor=\"end\"").Attr("x", F(Left - 6)).Attr("y", F(y + 4)).Raw(">").Text(format(value)).Raw("</text>");
        }

        if (days.Count > 0)
        {
            var slot = (double)(Width - Left - Right) / days.Count;
            var width = Math.Max(1, slot * 0.7);
            // At most about ten day labels, so they never overlap.
            var every = (int)Math.Ceiling(days.Count / 10.0);
            for (var i = 0; i < days.Count; i++)
            {
                var x = Left + (slot * i) + ((slot - width) / 2);
                bar(i, x, width);
                if (i % every == 0 || i == days.Count - 1)
                {
                    html.Raw("<text class=\"axis\" text-anchor=\"middle\"").Attr("x", F(Left + (slot * i) + (slot / 2))).Attr("y", F(Height - 8)).Raw(">")
                        .Text(days[i].ToString("MM-dd", CultureInfo.InvariantCulture)).Raw("</text>");
                }
            }
        }

        html.Raw("</svg>");
    }

    /// <summary>The smallest of 1, 2, 5 times a power of ten that is at least <paramref name="v"/> (1 for nothing), the top of the axis.</summary>
    private static double NiceCeiling(double v)
    {
        if (v <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (step * power >= v)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
