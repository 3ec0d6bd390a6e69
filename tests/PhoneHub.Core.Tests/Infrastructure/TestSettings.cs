namespace PhoneHub.Tests.Infrastructure;

/// <summary>Builds a config's provider settings, leaving out unset values.</summary>
public static class TestSettings
{
    public static IReadOnlyDictionary<string, string> Of(params (string Name, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).ToDictionary(p => p.Name, p => p.Value!, StringComparer.Ordinal);
}
