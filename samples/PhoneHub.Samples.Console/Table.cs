namespace SampleConsole;

/// <summary>Prints rows as an aligned plain-text table.</summary>
internal static class Table
{
    public static void Print(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var data = rows.Select(r => r.Select(c => Clip(c ?? "")).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, data.Count == 0 ? 0 : data.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in data)
        {
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        if (data.Count == 0)
        {
            output.WriteLine("(none)");
        }
    }

    public static void PrintPairs(TextWriter output, IEnumerable<(string Name, string? Value)> pairs)
    {
        var list = pairs.ToList();
        var width = list.Max(p => p.Name.Length);
        foreach (var (name, value) in list)
        {
            output.WriteLine($"{name.PadRight(width)}  {value ?? "-"}");
        }
    }

    // Keep one message per line however long or multi-line its body is.
    private static string Clip(string value)
    {
        var flat = value.ReplaceLineEndings(" ");
        return flat.Length <= 48 ? flat : flat[..45] + "...";
    }
}
