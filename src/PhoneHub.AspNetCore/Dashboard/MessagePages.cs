using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>The message list (filters and paging), a message's detail with its timeline, and canceling a waiting message.</summary>
internal static class MessagePages
{
    private static readonly SmsStatus[] Statuses = Enum.GetValues<SmsStatus>();

    public static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneHub hub)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewSms);
        }

        var query = http.Request.Query;
        var errors = new List<string>();
        SmsStatus? status = null;
        if (Param(query, "status") is { } statusName)
        {
            if (SmsStatuses.TryParse(statusName, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors.Add("Status must be one of the listed statuses.");
            }
        }

        SmsDirection? direction = Param(query, "direction") switch
        {
            null => null,
            "inbound" => SmsDirection.Inbound,
            "outbound" => SmsDirection.Outbound,
            _ => Error<SmsDirection>(errors, "Direction must be inbound or outbound."),
        };

        string? number = null;
        if (Param(query, "number") is { } rawNumber)
        {
            if (hub.TryNormalize(rawNumber, out var e164))
            {
                number = e164;
            }
            else
            {
                errors.Add($"'{rawNumber}' is not a valid phone number.");
            }
        }

        var from = Day(query, "from", errors);
        var to = Day(query, "to", errors);
        if (from is not null && to is not null && from > to)
        {
            errors.Add("The 'to' date must not be before the 'from' date.");
        }

        var size = Math.Clamp(request.Options.PageSize, 10, 200);
        var pageNumber = int.TryParse(Param(query, "page"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 100_000 ? p : 1;

        Page<SmsMessage>? page = null;
        if (errors.Count == 0)
        {
            page = await hub.Messages.ListAsync(new SmsQuery
            {
                Group = request.Group,
                Status = status,
                Direction = direction,
                Number = number,
                CreatedFrom = from,
                // The 'to' day is included: messages created before the next midnight (UTC).
                CreatedTo = to?.AddDays(1),
                Offset = (pageNumber - 1) * size,
                Limit = size,
            }, request.Aborted).ConfigureAwait(false);
        }

        return DashboardLayout.Page(request, "Messages", DashboardNavigation.Messages, html =>
        {
            html.Raw("<form class=\"panel filters\" method=\"get\"").Attr("action", request.Url("messages")).Raw(">");
            html.Raw("<label>Status<select name=\"status\"><option value=\"\">any</option>");
            foreach (var s in Statuses)
            {
                html.Raw("<option").Attr("value", s.ToWireName()).Flag("selected", s == status).Raw(">").Text(s.ToWireName()).Raw("</option>");
            }

            html.Raw("</select></label><label>Direction<select name=\"direction\"><option value=\"\">any</option>")
                .Raw("<option value=\"outbound\"").Flag("selected", direction == SmsDirection.Outbound).Raw(">outbound</option>")
                .Raw("<option value=\"inbound\"").Flag("selected", direction == SmsDirection.Inbound).Raw(">inbound</option></select></label>")
                .Raw("<label>Number<input type=\"tel\" name=\"number\"").Attr("value", Param(query, "number")).Raw("></label>")
                .Raw("<label>From (UTC)<input type=\"date\" name=\"from\"").Attr("value", Param(query, "from")).Raw("></label>")
                .Raw("<label>To (UTC)<input type=\"date\" name=\"to\"").Attr("value", Param(query, "to")).Raw("></label>")
                .Raw("<button type=\"submit\">Filter</button> ").Link(request.Url("messages"), "Clear")
                .Raw("</form>");

            foreach (var error in errors)
            {
                html.Element("p", error, "notice error");
            }

            if (page is null)
            {
                return;
            }

            if (page.Items.Count == 0)
            {
                html.Element("p", "No messages match.", "notice");
                return;
            }

            html.Raw("<div class=\"table-scroll\"><table class=\"messages\"><thead><tr><th class=\"num\">Id</th><th>Created</th><th>Direction</th><th>From</th><th>To</th>")
                .Raw("<th>Status</th><th class=\"num\">Segments</th><th class=\"num\">Price</th><th>Body</th></tr></thead><tbody>");
            foreach (var m in page.Items)
            {
                var id = DashboardFormat.Number(m.Id);
                html.Raw("<tr").Attr("data-message-id", id).Raw("><td class=\"num\">").Link(request.Url("messages/" + id), id).Raw("</td>")
                    .Element("td", DashboardFormat.Time(m.Created), "time")
                    .Element("td", DashboardFormat.Direction(m.Direction))
                    .Element("td", m.From)
                    .Element("td", m.To)
                    .Raw("<td>").Status(m.Status).Raw("</td>")
                    .Raw("<td class=\"num\" data-segments>").Text(DashboardFormat.Number(m.Segments)).Raw("</td>")
                    .Element("td", DashboardFormat.Price(m.Price, m.PriceUnit), "num")
                    .Raw("<td class=\"body\"").Attr("title", m.Body).Raw(">").Text(DashboardFormat.Excerpt(m.Body)).Raw("</td></tr>");
            }

            html.Raw("</tbody></table></div>");
            var pages = (int)Math.Max(1, (page.TotalCount + size - 1) / size);
            html.Raw("<div class=\"pager\">");
            if (pageNumber > 1)
            {
                html.Link(PageUrl(request, query, pageNumber - 1), "← Newer");
            }

            html.Element("span", $"Page {pageNumber} of {pages} · {page.TotalCount} messages", "muted");
            if (pageNumber < pages)
            {
                html.Link(PageUrl(request, query, pageNumber + 1), "Older →");
            }

            html.Raw("</div>");
        }, errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public static async Task<IResult> DetailAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewSms);
        }

        var message = await LoadAsync(rawId, request, hub).ConfigureAwait(false);
        if (message is null)
        {
            return DashboardAccess.NotFound(request, "message");
        }

        return Detail(request, message, notice: http.Request.Query["sent"] == "1" ? "Message recorded." : null);
    }

    public static async Task<IResult> CancelAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManageSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManageSms);
        }

        var (_, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var message = await LoadAsync(rawId, request, hub).ConfigureAwait(false);
        if (message is null)
        {
            return DashboardAccess.NotFound(request, "message");
        }

        try
        {
            await hub.Messages.CancelAsync(message.Id, request.Aborted).ConfigureAwait(false);
        }
        catch (SmsNotCancelableException ex)
        {
            return Detail(request, ex.Current, error: "It can no longer be canceled: a dispatcher has taken it or it is final.", status: StatusCodes.Status409Conflict);
        }

        return DashboardLayout.SeeOther(request.Url("messages/" + DashboardFormat.Number(message.Id)));
    }

    /// <summary>A message of the caller's group, or <see langword="null"/> (another group's message looks missing, so ids reveal nothing).</summary>
    private static async Task<SmsMessage?> LoadAsync(string rawId, DashboardRequest request, IPhoneHub hub)
    {
        if (!long.TryParse(rawId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return null;
        }

        var message = await hub.Messages.GetAsync(id, request.Aborted).ConfigureAwait(false);
        return message is not null && request.Owns(message.Group) ? message : null;
    }

    private static IResult Detail(DashboardRequest request, SmsMessage m, string? notice = null, string? error = null, int status = StatusCodes.Status200OK) =>
        DashboardLayout.Page(request, "Message " + DashboardFormat.Number(m.Id), DashboardNavigation.Messages, html =>
        {
            if (notice is not null)
            {
                html.Element("p", notice, "notice ok");
            }

            if (error is not null)
            {
                html.Element("p", error, "notice error");
            }

            html.Raw("<div class=\"panel\"><dl class=\"facts\">")
                .Raw("<dt>Status</dt><dd>").Status(m.Status).Raw(m.IsTest ? " <span class=\"muted\">test mode: nothing was sent</span>" : "").Raw("</dd>")
                .Term("Direction", DashboardFormat.Direction(m.Direction))
                .Term("From", m.From)
                .Term("To", m.To)
                .Term("Segments", DashboardFormat.Number(m.Segments))
                .Term("Price", DashboardFormat.Price(m.Price, m.PriceUnit))
                .Term("Provider", m.Provider)
                .Term("Provider account", m.ProviderAccount)
                .Term("Provider message id", m.ProviderMessageId)
                .Term("Config", m.ConfigId is { } configId ? DashboardFormat.Number(configId) : null)
                .Term("Attempts", DashboardFormat.Number(m.Attempts))
                .Term("User", m.User)
                .Term("Idempotency key", m.IdempotencyKey);
            html.Raw("<dt>Batch</dt><dd>");
            if (m.BatchId is { } batchId)
            {
                html.Link(request.Url("batches/" + DashboardFormat.Number(batchId)), DashboardFormat.Number(batchId));
            }
            else
            {
                html.Text("—");
            }

            html.Raw("</dd></dl></div>");

            if (m.ErrorCode is not null || m.ErrorMessage is not null)
            {
                html.Element("h2", "Error");
                html.Raw("<div class=\"notice error\">").Element("code", m.ErrorCode).Text(" ").Text(m.ErrorMessage).Raw("</div>");
            }

            html.Element("h2", "Body");
            html.Raw("<pre class=\"panel body\">").Text(m.Body).Raw("</pre>");
            if (m.MediaUrls.Count > 0)
            {
                html.Element("h2", "Media");
                html.Raw("<ul>");
                foreach (var url in m.MediaUrls)
                {
                    html.Element("li", url);
                }

                html.Raw("</ul>");
            }

            html.Element("h2", "Timeline");
            html.Raw("<ol class=\"timeline\">");
            foreach (var (at, what, bad) in Timeline(m))
            {
                html.Raw(bad ? "<li class=\"bad\">" : "<li>").Element("strong", what).Raw(" <span class=\"muted\">").Text(DashboardFormat.Time(at)).Raw("</span></li>");
            }

            html.Raw("</ol>");

            if (m.Metadata is { Count: > 0 } metadata)
            {
                html.Element("h2", "Metadata");
                html.Raw("<div class=\"panel\"><dl class=\"facts\">");
                foreach (var (key, value) in metadata)
                {
                    html.Term(key, value);
                }

                html.Raw("</dl></div>");
            }

            if (m.Status is SmsStatus.Queued or SmsStatus.Scheduled && request.Has(PhoneHubPermissions.ManageSms))
            {
                html.Raw("<form class=\"actions\" method=\"post\"").Attr("action", request.Url("messages/" + DashboardFormat.Number(m.Id) + "/cancel")).Raw(">")
                    .Hidden(request.FormTokenField, request.FormToken)
                    .Raw("<button type=\"submit\" class=\"secondary\">Cancel this message</button></form>");
            }
        }, status);

    /// <summary>The steps the stored times show, oldest first (the store keeps times per step, not a history of reports).</summary>
    private static List<(DateTimeOffset At, string What, bool Bad)> Timeline(SmsMessage m)
    {
        var steps = new List<(DateTimeOffset, string, bool)>
        {
            (m.Created, m.Direction == SmsDirection.Inbound ? "received by PhoneHub" : "recorded (queued)", false),
        };
        if (m.SendAt is { } sendAt)
        {
            steps.Add((sendAt, "scheduled to send", false));
        }

        if (m.SentAt is { } sentAt)
        {
            steps.Add((sentAt, "accepted by " + (m.Provider ?? "the provider"), false));
        }

        if (m.DeliveredAt is { } deliveredAt)
        {
            steps.Add((deliveredAt, "delivered", false));
        }

        var covered = m.Status is SmsStatus.Queued or SmsStatus.Received
            || (m.Status == SmsStatus.Delivered && m.DeliveredAt is not null)
            || (m.Status == SmsStatus.Sent && m.SentAt is not null)
            || (m.Status == SmsStatus.Scheduled && m.SendAt is not null);
        if (!covered)
        {
            var bad = m.Status is SmsStatus.Failed or SmsStatus.Undelivered;
            steps.Add((m.Modified, m.Status.ToWireName() + (m.ErrorCode is null ? "" : " (" + m.ErrorCode + ")"), bad));
        }

        steps.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return steps;
    }

    private static string? Param(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.ToString().Trim() is { Length: > 0 and <= 100 } value ? value : null;

    private static DateTimeOffset? Day(IQueryCollection query, string name, List<string> errors)
    {
        if (Param(query, name) is not { } raw)
        {
            return null;
        }

        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        errors.Add($"'{raw}' is not a date (yyyy-mm-dd).");
        return null;
    }

    private static T? Error<T>(List<string> errors, string message)
        where T : struct
    {
        errors.Add(message);
        return null;
    }

    private static string PageUrl(DashboardRequest request, IQueryCollection query, int page)
    {
        var parts = new List<string>();
        foreach (var name in new[] { "status", "direction", "number", "from", "to" })
        {
            if (Param(query, name) is { } value)
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        return request.Url("messages") + "?" + string.Join('&', parts);
    }
}
