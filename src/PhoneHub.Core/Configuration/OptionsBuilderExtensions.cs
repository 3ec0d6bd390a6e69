using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PhoneHub.Configuration;

/// <summary>Options binding shared by PhoneHub's registration methods.</summary>
internal static class OptionsBuilderExtensions
{
    /// <summary>
    /// Binds <paramref name="sectionPath"/> of the host's <see cref="IConfiguration"/> when the host has one. Unlike
    /// <c>BindConfiguration</c>, this also works in a bare <see cref="ServiceCollection"/> (console tools, tests).
    /// </summary>
    public static OptionsBuilder<TOptions> BindSectionIfPresent<TOptions>(this OptionsBuilder<TOptions> builder, string sectionPath)
        where TOptions : class
    {
        builder.Configure<IServiceProvider>((options, services) =>
        {
            if (services.GetService<IConfiguration>() is { } configuration)
            {
                configuration.GetSection(sectionPath).Bind(options);
            }
        });
        return builder;
    }
}
