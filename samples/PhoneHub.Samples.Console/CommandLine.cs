namespace SampleConsole;

/// <summary>A deliberately small argument reader: positional words plus <c>--name value</c> and <c>--flag</c> options.</summary>
internal sealed class CommandLine
{
    private static readonly HashSet<string> Flags = ["--force", "--test-mode", "--inactive", "--no-lookup", "--all", "--details", "--help", "--dry-run"];

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.OrdinalIgnoreCase);

    public CommandLine(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                if (Flags.Contains(arg))
                {
                    Add(arg, "true");
                }
                else if (i + 1 < args.Count)
                {
                    Add(arg, args[++i]);
                }
                else
                {
                    throw new UsageException($"Option {arg} needs a value.");
                }
            }
            else
            {
                Positional.Add(arg);
            }
        }
    }

    public List<string> Positional { get; } = [];

    public string? Option(string name) => _options.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string> Options(string name) => _options.TryGetValue(name, out var values) ? values : [];

    public bool Flag(string name) => _options.ContainsKey(name);

    public int? IntOption(string name) =>
        Option(name) is { } value
            ? int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{name} must be a whole number.")
            : null;

    public string Arg(int index, string name) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"Missing {name}.");

    private void Add(string name, string value)
    {
        if (!_options.TryGetValue(name, out var values))
        {
            _options[name] = values = [];
        }

        values.Add(value);
    }
}

/// <summary>The command line was not understood.</summary>
internal sealed class UsageException(string message) : Exception(message);
