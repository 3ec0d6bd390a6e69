using Sylvan.Data.Csv;

namespace PhoneHub.Messaging;

/// <summary>
/// Reads a bulk send from CSV (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes).
/// The first line names the columns: <c>to</c> and <c>body</c> are required, <c>send_at</c> (RFC 3339) and <c>from</c>
/// are optional, in any order. A line that cannot become a request (a missing field, a bad time) becomes an invalid
/// <see cref="SmsBulkRow"/>, so it is reported with its row and the other lines still go.
/// </summary>
public static class SmsCsv
{
    private static readonly string[] Known = ["to", "body", "send_at", "from"];

    /// <summary>Reads every data line of <paramref name="reader"/>.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="maxRows">The most data lines accepted.</param>
    /// <returns>One row per data line, in order.</returns>
    /// <exception cref="SmsCsvException">The text is not CSV of this shape (header, quoting, or too many lines).</exception>
    public static IReadOnlyList<SmsBulkRow> Read(TextReader reader, int maxRows = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            using var csv = CsvDataReader.Create(reader, new CsvDataReaderOptions
            {
                HasHeaders = true,
                Delimiter = ',',
                HeaderComparer = StringComparer.OrdinalIgnoreCase,
                OwnsReader = false,
            });
            var names = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToList();
            if (names.FirstOrDefault(n => !Known.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            {
                throw new SmsCsvException($"Unknown column '{unknown}': the columns are to, body and optionally send_at and from.");
            }

            int Column(string name) => names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            var (to, body, sendAt, from) = (Column("to"), Column("body"), Column("send_at"), Column("from"));
            if (to < 0 || body < 0)
            {
                throw new SmsCsvException("The first line must name the columns, with at least 'to' and 'body' (for example: to,body,send_at).");
            }

            var rows = new List<SmsBulkRow>();
            while (csv.Read())
            {
                if (rows.Count == maxRows)
                {
                    throw new SmsCsvException($"At most {maxRows} rows can be sent at once.");
                }

                rows.Add(Row(csv, names.Count, to, body, sendAt, from));
            }

            return rows;
        }
        catch (CsvFormatException ex)
        {
            throw new SmsCsvException($"The CSV cannot be read near line {ex.RowNumber + 1}: {ex.Message}");
        }
    }

    private static SmsBulkRow Row(CsvDataReader csv, int columns, int to, int body, int sendAt, int from)
    {
        if (csv.RowFieldCount != columns)
        {
            return SmsBulkRow.Invalid("row", $"The line has {csv.RowFieldCount} fields; the header names {columns}.");
        }

        DateTimeOffset? at = null;
        if (sendAt >= 0 && csv.GetString(sendAt).Trim() is { Length: > 0 } text)
        {
            if (!Rfc3339.TryParse(text, out var parsed))
            {
                return SmsBulkRow.Invalid("send_at", $"'send_at' must be an RFC 3339 date and time with an offset, for example {Rfc3339.Example}.");
            }

            at = parsed;
        }

        return SmsBulkRow.Of(new SendSmsRequest
        {
            To = csv.GetString(to).Trim(),
            Body = csv.GetString(body),
            From = from >= 0 && csv.GetString(from).Trim() is { Length: > 0 } sender ? sender : null,
            SendAt = at,
        });
    }
}

/// <summary>Thrown when a bulk upload is not CSV of the expected shape.</summary>
public sealed class SmsCsvException : PhoneHubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, for the caller.</param>
    public SmsCsvException(string message)
        : base(message)
    {
    }
}
