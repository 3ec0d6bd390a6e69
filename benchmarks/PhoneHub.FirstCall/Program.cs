using System.Runtime.CompilerServices;
using PhoneHub.Normalization;
using PhoneNumbers;

namespace PhoneHub.FirstCall;

/// <summary>
/// <c>PhoneHub.FirstCall raw|phonehub [input] [region]</c>: one normalization in a fresh process, printed, then exit.
/// Time whole processes of both modes with hyperfine (see BENCHMARKS.md).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "";
        var input = args.Length > 1 ? args[1] : "(415) 555-1234";
        var region = args.Length > 2 ? args[2] : "US";
        string? e164 = mode switch
        {
            "raw" => Raw(input, region),
            "phonehub" => PhoneHub(input, region),
            _ => null,
        };
        if (mode is not ("raw" or "phonehub"))
        {
            Console.Error.WriteLine("usage: PhoneHub.FirstCall raw|phonehub [input] [region]");
            return 2;
        }

        Console.WriteLine(e164 ?? "invalid");
        return 0;
    }

    // Separate, not inlined: JIT-compiling Main must not load the other mode's assemblies.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? Raw(string input, string region)
    {
        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var number = util.Parse(input, region);
            return util.IsValidNumber(number) ? util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? PhoneHub(string input, string region) =>
        PhoneNormalizer.Shared.TryNormalize(input, out var e164, region) ? e164 : null;
}
