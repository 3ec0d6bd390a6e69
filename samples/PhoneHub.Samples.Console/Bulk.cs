using System.Globalization;
using System.Text;
using PhoneHub;
using PhoneHub.Messaging;
using Spectre.Console;
using SpectreTable = Spectre.Console.Table;

namespace SampleConsole;

/// <summary>Scheduled and bulk sending: <c>send-bulk</c>, <c>cancel</c>, <c>dispatch</c>.</summary>
internal static class Bulk
{
    // A CSV larger than this is refused before any row is stored, like the REST route's default.
    private const int MaxRows = 10_000;

    public static DateTimeOffset ParseTime(string text, string option) =>
        Rfc3339.TryParse(text, out var at)
            ? at
            : throw new UsageException($"{option} must be an RFC 3339 date and time with an offset, for example {Rfc3339.Example}.");

    public static async Task<int> SendAsync(IPhoneHub hub, CommandLine command, TextWriter output)
    {
        var path = command.Arg(1, "CSV file");
        if (!File.Exists(path))
        {
            throw new UsageException($"No file '{path}'.");
        }

        IReadOnlyList<SmsBulkRow> rows;
        // Strict UTF-8: a file in another encoding is refused instead of sending mangled text.
        using (var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true))
        {
            try
            {
                rows = SmsCsv.Read(reader, MaxRows);
            }
            catch (DecoderFallbackException)
            {
                throw new UsageException($"'{path}' is not UTF-8 text.");
            }
        }

        var result = await hub.Messages.SendManyAsync(rows, command.Option("--group"), command.Option("--user") ?? Environment.UserName);
        var console = CreateConsole(output);

        // Dispatch runs in this process (a console app has no background dispatcher); the bar follows the batch as
        // the store reports it, so it shows the same progress a second process would see.
        var status = await hub.Messages.GetBatchAsync(result.Batch.Id) ?? throw new InvalidOperationException("The batch was just stored.");
        if (status.Enqueued > 0)
        {
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    // Rows scheduled for later are not due now: the bar counts the messages this run sends.
                    var due = status.Enqueued - status.CountsByStatus.GetValueOrDefault(SmsStatus.Scheduled);
                    var task = progress.AddTask($"Batch {result.Batch.Id}", maxValue: Math.Max(due, 1));
                    var dispatch = hub.Messages.DispatchDueAsync();
                    while (!dispatch.IsCompleted)
                    {
                        await Task.WhenAny(dispatch, Task.Delay(TimeSpan.FromMilliseconds(200)));
                        status = await hub.Messages.GetBatchAsync(result.Batch.Id) ?? status;
                        task.Value = status.Dispatched;
                    }

                    await dispatch;
                    status = await hub.Messages.GetBatchAsync(result.Batch.Id) ?? status;
                    task.Value = status.Dispatched;
                });
        }

        var summary = new SpectreTable().AddColumns("Status", "Messages");
        foreach (var (state, count) in status.CountsByStatus.OrderBy(p => p.Key))
        {
            summary.AddRow(state.ToWireName(), count.ToString(CultureInfo.InvariantCulture));
        }

        summary.AddRow("[red]refused[/]", result.Rejected.Count.ToString(CultureInfo.InvariantCulture));
        console.Write(summary);

        if (result.Rejected.Count > 0)
        {
            var refused = new SpectreTable().AddColumns("Row", "Field", "Error");
            foreach (var row in result.Rejected)
            {
                foreach (var (field, messages) in row.Errors)
                {
                    // Counted from 1 after the header, as a spreadsheet shows data rows (a quoted field may span lines).
                    refused.AddRow((row.Row + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(field), Markup.Escape(string.Join(" ", messages)));
                }
            }

            console.Write(refused);
        }

        var scheduled = status.CountsByStatus.GetValueOrDefault(SmsStatus.Scheduled);
        console.WriteLine($"Batch {result.Batch.Id}: {status.Enqueued} stored, {result.Rejected.Count} refused"
            + (scheduled > 0 ? $", {scheduled} scheduled (run `dispatch` when they are due)." : "."));
        return result.Rejected.Count > 0 || status.CountsByStatus.GetValueOrDefault(SmsStatus.Failed) > 0 ? 1 : 0;
    }

    public static async Task<int> CancelAsync(IPhoneHub hub, CommandLine command, TextWriter output)
    {
        var text = command.Arg(1, "message id");
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new UsageException("The message id is a whole number.");
        }

        try
        {
            var canceled = await hub.Messages.CancelAsync(id) ?? throw new UsageException($"Message {id} does not exist.");
            output.WriteLine($"Message {id}: {canceled.Status.ToWireName()}");
            return 0;
        }
        catch (SmsNotCancelableException ex)
        {
            output.WriteLine($"Message {id} cannot be canceled: it is {ex.Current.Status.ToWireName()}.");
            return 1;
        }
    }

    public static async Task<int> DispatchAsync(IPhoneHub hub, TextWriter output)
    {
        var claimed = await hub.Messages.DispatchDueAsync();
        output.WriteLine($"{claimed} message(s) dispatched.");
        return 0;
    }

    // Writes to the given writer; colours and live rendering only where that is a terminal.
    private static IAnsiConsole CreateConsole(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
    });
}
