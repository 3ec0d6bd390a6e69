using Microsoft.Extensions.DependencyInjection;

namespace PhoneHub;

/// <summary>
/// Returned by <c>AddPhoneHub</c>; stores and providers hang their registration methods on it (<c>.UseSqlite(...)</c>,
/// <c>.AddTwilio()</c>, <c>.AddAws()</c>), in the <c>Microsoft.Extensions.DependencyInjection</c> namespace like
/// <c>AddPhoneHub</c> itself, so no extra <c>using</c> is needed.
/// </summary>
public interface IPhoneHubBuilder
{
    /// <summary>The service collection PhoneHub is registered in.</summary>
    IServiceCollection Services { get; }
}

internal sealed class PhoneHubBuilder(IServiceCollection services) : IPhoneHubBuilder
{
    public IServiceCollection Services { get; } = services;
}
