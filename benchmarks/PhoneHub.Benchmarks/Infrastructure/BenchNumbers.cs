using System.Globalization;

namespace PhoneHub.Benchmarks.Infrastructure;

/// <summary>Deterministic valid numbers for the lookup and messaging benchmarks.</summary>
internal static class BenchNumbers
{
    /// <summary><paramref name="count"/> distinct valid US numbers in E.164 (San Francisco area code).</summary>
    public static string[] UsMobiles(int count, int offset = 0)
    {
        var numbers = new string[count];
        for (var i = 0; i < count; i++)
        {
            var n = offset + i;
            // 415-2xx-xxxx: valid in libphonenumber's US plan; the exchange digit must be 2-9.
            numbers[i] = "+1415" + (200 + (n / 10_000 % 800)).ToString(CultureInfo.InvariantCulture) + (n % 10_000).ToString("D4", CultureInfo.InvariantCulture);
        }

        return numbers;
    }
}
