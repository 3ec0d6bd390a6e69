using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Messaging;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>Bulk sends: start one from a list of numbers, and follow a batch's progress (live with script, on reload without).</summary>
internal static class BatchPages
{
    /// <summary>How many recent messages are read to list the batches they belong to (Core has no batch list yet).</summary>
    public const int RecentMessages = 500;

    /// <summary>The most rows one batch form takes.</summary>
    public const int MaxRows = 5000;

    private static readonly char[] RowSeparators = ['\n', '\r', ',', ';'];

    public static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneHub hub)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewSms);
        }

        // Open a batch by id (the form below) without script.
        if (http.Request.Query["id"].ToString() is { Length: > 0 } wanted)
        {
            return DashboardLayout.SeeOther(request.Url("batches/" + Uri.EscapeDataString(wanted.Trim())));
        }

        return await List(request, hub, numbers: "", body: "", error: null).ConfigureAwait(false);
    }

    public static async Task<IResult> CreateAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] ILoggerFactory loggers)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManageSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManageSms);
        }

        var (form, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var numbers = form["numbers"].ToString();
        var body = form["body"].ToString();
        var rows = numbers.Split(RowSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (rows.Length == 0 || rows.Length > MaxRows)
        {
            var fields = new Dictionary<string, string[]> { ["numbers"] = [$"Enter 1 to {MaxRows} numbers, one a line."] };
            return await List(request, hub, numbers, body, ("The batch has no rows to send.", fields), StatusCodes.Status400BadRequest).ConfigureAwait(false);
        }

        SmsBulkResult result;
        try
        {
            result = await hub.Messages.SendManyAsync(rows.Select(to => new SendSmsRequest { To = to, Body = body }), request.Group, request.User, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (PhoneHubException ex)
        {
            return await List(request, hub, numbers, body, DashboardErrors.Describe(ex, loggers.Dashboard()), StatusCodes.Status400BadRequest).ConfigureAwait(false);
        }

        var log = loggers.Dashboard();
        DashboardLog.BatchEnqueued(log, result.Batch.Id, rows.Length, request.User, request.Group);
        return DashboardLayout.SeeOther(request.Url("batches/" + DashboardFormat.Number(result.Batch.Id)));
    }

    public static async Task<IResult> DetailAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewSms))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ViewSms);
        }

        var status = await LoadAsync(rawId, request, hub).ConfigureAwait(false);
        if (status is null)
        {
            return DashboardAccess.NotFound(request, "batch");
        }

        var id = DashboardFormat.Number(status.Batch.Id);
        return DashboardLayout.Page(request, "Batch " + id, DashboardNavigation.Batches, html =>
        {
            html.Raw("<div class=\"panel\"").Attr("data-progress-url", request.Url("batches/" + id + "/progress")).Raw(">")
                .Raw("<p data-summary>").Text(Summary(status)).Raw("</p>")
                .Raw("<progress").Attr("value", DashboardFormat.Number(status.Dispatched)).Attr("max", DashboardFormat.Number(Math.Max(status.Enqueued, 1))).Raw("></progress>")
                .Raw("<dl class=\"facts\">")
                .Term("Created", DashboardFormat.Time(status.Batch.Created))
                .Term("By", status.Batch.User)
                .Term("Rows", DashboardFormat.Number(status.Batch.Total))
                .Term("Rejected rows", DashboardFormat.Number(status.Batch.Rejected))
                .Raw("</dl>")
                .Element("h2", "Messages by status")
                .Raw("<table><thead><tr><th>Status</th><th class=\"num\">Messages</th></tr></thead><tbody>");
            foreach (var s in Enum.GetValues<SmsStatus>().Where(s => s is not (SmsStatus.Receiving or SmsStatus.Received)))
            {
                html.Raw("<tr><td>").Status(s).Raw("</td><td class=\"num\"").Attr("data-count", s.ToWireName()).Raw(">")
                    .Text(DashboardFormat.Number(status.CountsByStatus.GetValueOrDefault(s))).Raw("</td></tr>");
            }

            html.Raw("</tbody></table></div>")
                .Raw("<p class=\"muted\">").Link(request.Url("batches/" + id), "Reload").Raw(" · ").Link(request.Url("batches"), "All batches").Raw("</p>");
        });
    }

    public static async Task<IResult> ProgressAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneHub hub)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ViewSms))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var status = await LoadAsync(rawId, request, hub).ConfigureAwait(false);
        if (status is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "no-store";
        DashboardLayout.SecurityHeaders(http.Response);
        return TypedResults.Json(new
        {
            enqueued = status.Enqueued,
            dispatched = status.Dispatched,
            counts = status.CountsByStatus.ToDictionary(p => p.Key.ToWireName(), p => p.Value),
            summary = Summary(status),
        });
    }

    private static async Task<SmsBatchStatus?> LoadAsync(string rawId, DashboardRequest request, IPhoneHub hub)
    {
        if (!long.TryParse(rawId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return null;
        }

        // Another group's batch looks missing, as its messages do.
        var status = await hub.Messages.GetBatchAsync(id, request.Aborted).ConfigureAwait(false);
        return status is not null && request.Owns(status.Batch.Group) ? status : null;
    }

    private static string Summary(SmsBatchStatus status) => string.Create(CultureInfo.InvariantCulture,
        $"{status.Dispatched} of {status.Enqueued} messages dispatched ({Math.Floor(status.Progress * 100):0}%); {status.Batch.Rejected} {(status.Batch.Rejected == 1 ? "row" : "rows")} rejected.");

    private static async Task<IResult> List(
        DashboardRequest request,
        IPhoneHub hub,
        string numbers,
        string body,
        (string Summary, IReadOnlyDictionary<string, string[]> Fields)? error,
        int statusCode = StatusCodes.Status200OK)
    {
        var recent = await hub.Messages.ListAsync(new SmsQuery { Group = request.Group, Direction = SmsDirection.Outbound, Limit = RecentMessages }, request.Aborted)
            .ConfigureAwait(false);
        var batchIds = recent.Items.Where(m => m.BatchId is not null).Select(m => m.BatchId!.Value).Distinct().Take(20).ToList();
        var batches = new List<SmsBatchStatus>();
        foreach (var id in batchIds)
        {
            if (await hub.Messages.GetBatchAsync(id, request.Aborted).ConfigureAwait(false) is { } status && request.Owns(status.Batch.Group))
            {
                batches.Add(status);
            }
        }

        return DashboardLayout.Page(request, "Batches", DashboardNavigation.Batches, html =>
        {
            if (error is { } e)
            {
                DashboardErrors.Write(html, e.Summary, e.Fields);
            }

            html.Raw("<form class=\"panel filters\" method=\"get\"").Attr("action", request.Url("batches")).Raw(">")
                .Raw("<label>Batch id<input type=\"number\" name=\"id\" min=\"1\" required></label><button type=\"submit\">Open</button></form>");

            html.Element("h2", "Recent batches");
            if (batches.Count == 0)
            {
                html.Element("p", "No batch among the group's recent messages.", "notice");
            }
            else
            {
                html.Raw("<div class=\"table-scroll\"><table class=\"batches\"><thead><tr><th class=\"num\">Batch</th><th>Created</th><th>By</th><th class=\"num\">Rows</th><th class=\"num\">Rejected</th><th>Progress</th></tr></thead><tbody>");
                foreach (var b in batches)
                {
                    var id = DashboardFormat.Number(b.Batch.Id);
                    html.Raw("<tr><td class=\"num\">").Link(request.Url("batches/" + id), id).Raw("</td>")
                        .Element("td", DashboardFormat.Time(b.Batch.Created))
                        .Element("td", b.Batch.User)
                        .Element("td", DashboardFormat.Number(b.Batch.Total), "num")
                        .Element("td", DashboardFormat.Number(b.Batch.Rejected), "num")
                        .Raw("<td class=\"nowrap\"><progress").Attr("value", DashboardFormat.Number(b.Dispatched)).Attr("max", DashboardFormat.Number(Math.Max(b.Enqueued, 1))).Raw("></progress> ")
                        .Text(string.Create(CultureInfo.InvariantCulture, $"{b.Dispatched}/{b.Enqueued}")).Raw("</td></tr>");
                }

                html.Raw("</tbody></table></div>");
            }

            if (request.Has(PhoneHubPermissions.ManageSms))
            {
                html.Element("h2", "New batch");
                html.Raw("<form class=\"panel\" method=\"post\"").Attr("action", request.Url("batches")).Raw(">")
                    .Hidden(request.FormTokenField, request.FormToken)
                    .Raw("<label>Numbers, one a line<textarea name=\"numbers\" rows=\"6\" required>").Text(numbers).Raw("</textarea></label>")
                    .Raw("<label>Message<textarea name=\"body\" rows=\"4\">").Text(body).Raw("</textarea></label>")
                    .Raw("<div class=\"actions\"><button type=\"submit\">Enqueue batch</button></div>")
                    .Element("p", "Each row is checked on its own: invalid numbers are reported and do not stop the others. The dispatcher sends the rest.", "muted")
                    .Raw("</form>");
            }
        }, statusCode);
    }
}
