using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// Reports over the caller's group's stored messages: messages per UTC day by status, and spend per day, as inline SVG
/// charts (no script, no other origin) with the same figures in a table.
/// </summary>
internal static class ReportPages
{
    /// <summary>The periods offered, in days.</summary>
    public static readonly int[] Periods = [7, 14, 30, 90];

    /// <summary>
    /// The most messages one report reads. Core has no aggregate query yet, so the report reads the period's messages
    /// page by page; past this many the oldest days are incomplete and the page says so.
    /// </summary>
    public const int MaxMessages = 20_000;

    private const int PageSize = 500;

    public static async Task<IResult> PageAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] TimeProvider time)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewSms);
        }

        var raw = http.Request.Query["days"].ToString();
        var days = 14;
        if (raw.Length > 0 && !(int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out days) && Periods.Contains(days)))
        {
            return DashboardLayout.Error(request, StatusCodes.Status400BadRequest, "Reports",
                "The period must be one of " + string.Join(", ", Periods) + " days.");
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - days);
        var report = await ReadAsync(hub.Messages, request.Group, first, today, request.Aborted).ConfigureAwait(false);

        return DashboardLayout.Page(request, "Reports", DashboardNavigation.Reports, html =>
        {
            html.Raw("<form class=\"panel filters\" method=\"get\"").Attr("action", request.Url("reports")).Raw(">")
                .Raw("<label>Period<select name=\"days\">");
            foreach (var period in Periods)
            {
                html.Raw("<option").Attr("value", DashboardFormat.Number(period)).Flag("selected", period == days).Raw(">")
                    .Text($"last {period} days").Raw("</option>");
            }

            html.Raw("</select></label><button type=\"submit\">Show</button>")
                .Element("span", $"{first:yyyy-MM-dd} to {today:yyyy-MM-dd} (UTC)", "muted")
                .Raw("</form>");

            if (report.Truncated)
            {
                html.Element("p", $"The period holds more than {MaxMessages} messages; the report counts the newest {MaxMessages}, so its oldest days are incomplete.", "notice error");
            }

            html.Raw("<div class=\"totals\">")
                .Raw("<div class=\"panel total\"><span class=\"muted\">Messages</span><strong data-total=\"messages\">").Text(DashboardFormat.Number(report.Messages)).Raw("</strong></div>")
                .Raw("<div class=\"panel total\"><span class=\"muted\">Failed or undelivered</span><strong data-total=\"failed\">").Text(DashboardFormat.Number(report.Failed)).Raw("</strong></div>")
                .Raw("<div class=\"panel total\"><span class=\"muted\">Segments</span><strong data-total=\"segments\">").Text(DashboardFormat.Number(report.Segments)).Raw("</strong></div>")
                .Raw("<div class=\"panel total\"><span class=\"muted\">Spend</span><strong data-total=\"spend\">")
                .Text(report.SpendUnit is null ? "—" : DashboardFormat.Price(report.Spend, report.SpendUnit)).Raw("</strong></div>")
                .Raw("</div>");

            html.Element("h2", "Messages per day by status");
            html.Raw("<div class=\"panel\">");
            ReportCharts.StackedBars(html, "messages", report.Days.Select(d => (d.Day, (IReadOnlyList<int>)d.ByCategory)).ToList(), ReportCharts.Categories);
            ReportCharts.Legend(html, ReportCharts.Categories);
            html.Raw("</div>");

            html.Element("h2", "Spend per day" + (report.SpendUnit is null ? "" : " (" + report.SpendUnit + ")"));
            html.Raw("<div class=\"panel\">");
            if (report.SpendUnit is null)
            {
                html.Element("p", "No message of the period has a price yet (providers report prices after sending; test mode has none).", "muted");
            }
            else
            {
                ReportCharts.Bars(html, "spend", report.Days.Select(d => (d.Day, d.Spend)).ToList(), v => DashboardFormat.Price(v, report.SpendUnit));
                if (report.OtherUnits.Count > 0)
                {
                    html.Element("p", "Also charged in other currencies (not charted): "
                        + string.Join(", ", report.OtherUnits.Select(u => DashboardFormat.Price(u.Value, u.Key))), "muted");
                }
            }

            html.Raw("</div>");

            html.Element("h2", "By day");
            html.Raw("<div class=\"table-scroll\"><table class=\"report\"><thead><tr><th>Day (UTC)</th>");
            foreach (var category in ReportCharts.Categories)
            {
                html.Element("th", category.Title, "num");
            }

            html.Raw("<th class=\"num\">Segments</th><th class=\"num\">Spend</th></tr></thead><tbody>");
            foreach (var day in report.Days.AsEnumerable().Reverse())
            {
                html.Raw("<tr").Attr("data-day", day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Raw(">")
                    .Element("td", day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "time");
                for (var i = 0; i < ReportCharts.Categories.Count; i++)
                {
                    html.Raw("<td class=\"num\"").Attr("data-category", ReportCharts.Categories[i].Key).Raw(">").Text(DashboardFormat.Number(day.ByCategory[i])).Raw("</td>");
                }

                html.Element("td", DashboardFormat.Number(day.Segments), "num")
                    .Element("td", report.SpendUnit is null ? "" : DashboardFormat.Price(day.Spend, report.SpendUnit), "num")
                    .Raw("</tr>");
            }

            html.Raw("</tbody></table></div>");

            html.Element("h2", "Lookups");
            html.Element("p", "The lookup hit ratio and the money the cache saved are not shown yet: PhoneHub does not record lookup outcomes per group (only a process-wide meter), so there is nothing to report for one group.", "notice");
        });
    }

    /// <summary>Counts the group's messages created from <paramref name="first"/> to <paramref name="last"/> (UTC days, inclusive).</summary>
    private static async Task<Report> ReadAsync(ISmsService messages, string? group, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var days = new List<DayTally>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            days.Add(new DayTally(day, new int[ReportCharts.Categories.Count]));
        }

        var spendByUnit = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var priced = new List<(DateOnly Day, string Unit, decimal Amount)>();
        var read = 0;
        var truncated = false;
        while (true)
        {
            var page = await messages.ListAsync(new SmsQuery { Group = group, CreatedFrom = from, CreatedTo = to, Offset = read, Limit = PageSize }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var m in page.Items)
            {
                var day = days[DateOnly.FromDateTime(m.Created.UtcDateTime).DayNumber - first.DayNumber];
                day.ByCategory[ReportCharts.CategoryOf(m.Status)]++;
                day.Segments += m.Segments;
                if (m.Price is { } price && m.PriceUnit is { } unit)
                {
                    // Twilio reports charges as negative amounts; the magnitude is what was spent.
                    spendByUnit[unit] = spendByUnit.GetValueOrDefault(unit) + Math.Abs(price);
                    priced.Add((day.Day, unit, Math.Abs(price)));
                }
            }

            read += page.Items.Count;
            if (page.Items.Count < PageSize || read >= page.TotalCount)
            {
                break;
            }

            if (read >= MaxMessages)
            {
                truncated = true;
                break;
            }
        }

        // Amounts in different currencies do not add up: the chart shows the currency most messages were charged in, and
        // the page lists the others.
        var unitCharted = priced.Count == 0 ? null : priced.GroupBy(p => p.Unit, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        foreach (var (dayOf, unit, amount) in priced.Where(p => p.Unit == unitCharted))
        {
            days[dayOf.DayNumber - first.DayNumber].Spend += amount;
        }

        var failedIndex = ReportCharts.CategoryIndex("failed");
        return new Report(
            days,
            read,
            days.Sum(d => d.ByCategory[failedIndex]),
            days.Sum(d => d.Segments),
            unitCharted,
            unitCharted is null ? 0 : spendByUnit[unitCharted],
            spendByUnit.Where(p => p.Key != unitCharted).OrderBy(p => p.Key, StringComparer.Ordinal).ToList(),
            truncated);
    }

    private sealed class DayTally(DateOnly day, int[] byCategory)
    {
        public DateOnly Day { get; } = day;

        public int[] ByCategory { get; } = byCategory;

        public long Segments { get; set; }

        public decimal Spend { get; set; }
    }

    private sealed record Report(
        IReadOnlyList<DayTally> Days,
        int Messages,
        int Failed,
        long Segments,
        string? SpendUnit,
        decimal Spend,
        IReadOnlyList<KeyValuePair<string, decimal>> OtherUnits,
        bool Truncated);
}
