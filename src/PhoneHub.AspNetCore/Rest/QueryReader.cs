using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>
/// Reads query-string filters and collects every problem, so a bad filter gets a 400 naming the field (minimal API
/// binding would answer a bare 400 before any PhoneHub code runs).
/// </summary>
internal sealed class QueryReader(IQueryCollection query)
{
    public const int MaxLimit = 500;

    public Dictionary<string, string[]> Errors { get; } = [];

    public string? String(string name, int maxLength = 200)
    {
        var value = query[name].ToString();
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length > maxLength)
        {
            Errors[name] = [$"'{name}' must be at most {maxLength} characters."];
            return null;
        }

        return value.Trim();
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        var raw = String(name, 20);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Errors[name] = [$"'{name}' must be a whole number from {min} to {max}."];
            return defaultValue;
        }

        return value;
    }

    public DateTimeOffset? Time(string name)
    {
        var raw = String(name, 64);
        if (raw is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            Errors[name] = [$"'{name}' must be an ISO 8601 date or date and time, for example 2026-03-01T12:00:00Z."];
            return null;
        }

        return value;
    }

    public (int Offset, int Limit) Paging() => (Int("offset", 0, 0, int.MaxValue), Int("limit", 50, 1, MaxLimit));

    public void Error(string name, string message) => Errors[name] = [message];
}

/// <summary>
/// Reads the <c>{id}</c> route value. Routes take it as text rather than with a <c>:long</c> constraint, so a malformed
/// id gets a 400 problem from PhoneHub instead of routing's bare 404.
/// </summary>
internal static class RouteIds
{
    public static bool TryParse(string? raw, out long id) =>
        long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    public static IResult Invalid() => Errors.PhoneHubProblems.Validation("id", "'id' must be a positive whole number.");
}
