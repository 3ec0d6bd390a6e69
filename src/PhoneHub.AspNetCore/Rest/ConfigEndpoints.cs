using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Errors;
using PhoneHub.AspNetCore.Rest.Contracts;
using PhoneHub.Configuration;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>
/// <c>config/...</c>: the caller's group's configs, and with <c>manage_groups</c> the system defaults. Another group's
/// config answers 404 like a missing one; a system default without <c>manage_groups</c> answers 403.
/// </summary>
internal static class ConfigEndpoints
{
    private const string SystemDefaultNeedsManageGroups =
        "System-default configs (those without a group) need the 'manage_groups' permission.";

    public static void Map(RouteGroupBuilder rest)
    {
        var config = rest.MapGroup("config").WithTags("PhoneHub configs").RequireAuthorization(PhoneHubPolicies.ManagePhoneConfig);

        config.MapGet("", ListAsync)
            .WithName("PhoneHubListConfigs")
            .WithSummary("Lists the caller's group's configs, and the system defaults for callers with manage_groups")
            .Produces<ConfigListResponse>();

        config.MapPost("", CreateAsync)
            .WithName("PhoneHubCreateConfig")
            .WithSummary("Creates a config for the caller's group (or, with system_default and manage_groups, a system default)")
            .WithDescription("Credentials are not accepted here: set them with POST config/{id}/credentials.")
            .JsonBody<ConfigWriteRequest>()
            .Produces<ConfigResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        config.MapGet("{id}", GetAsync)
            .WithName("PhoneHubGetConfig")
            .WithSummary("Gets a config; credentials are never returned, only has_credentials")
            .Produces<ConfigResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        config.MapPut("{id}", UpdateAsync)
            .WithName("PhoneHubUpdateConfig")
            .WithSummary("Updates a config (not its credentials); omitted fields keep their value")
            .JsonBody<ConfigWriteRequest>()
            .Produces<ConfigResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        config.MapDelete("{id}", DeleteAsync)
            .WithName("PhoneHubDeleteConfig")
            .WithSummary("Deletes a config and its credentials")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        config.MapPost("{id}/activate", ActivateAsync)
            .WithName("PhoneHubActivateConfig")
            .WithSummary("Activates a config; the group's other active config is deactivated (the answer names it)")
            .Produces<ConfigResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        config.MapPost("{id}/test", TestAsync)
            .WithName("PhoneHubTestConfig")
            .WithSummary("Checks a config's connection to its provider")
            .Produces<ConnectionTestResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        config.MapPost("{id}/credentials", SetCredentialsAsync)
            .WithName("PhoneHubSetConfigCredentials")
            .WithSummary("Replaces a config's credentials (write-only)")
            .WithDescription("A JSON object of the provider's credential names to values, for example account_sid and auth_token " +
                "(Twilio; twilio_account_sid and twilio_auth_token are accepted too) or access_key_id and secret_access_key (AWS). " +
                "Unknown names are refused. Secrets are stored encrypted and no route ever returns them; the Twilio account SID " +
                "is not a secret and becomes the account_sid setting.")
            .JsonBody<Dictionary<string, string>>()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var items = new List<PhoneConfig>();
        if (caller.Group is not null)
        {
            items.AddRange(await configs.ListAsync(new PhoneConfigQuery { Group = caller.Group }, http.RequestAborted).ConfigureAwait(false));
        }

        if (caller.Has(PhoneHubPermissions.ManageGroups))
        {
            items.AddRange(await configs.ListAsync(new PhoneConfigQuery { Group = null }, http.RequestAborted).ConfigureAwait(false));
        }

        return PhoneHubJson.Ok(new ConfigListResponse { Items = [.. items.OrderBy(c => c.Id).Select(ConfigResponse.From)] });
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        [FromServices] IPhoneConfigService configs,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var body = await PhoneHubJson.ReadAsync<ConfigWriteRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var group = body.SystemDefault == true ? null : caller.Group;
        if (group is null && !caller.Has(PhoneHubPermissions.ManageGroups))
        {
            return PhoneHubProblems.Forbidden(caller.Group is null
                ? SystemDefaultNeedsManageGroups + " The caller belongs to no group, so every config it creates is a system default."
                : SystemDefaultNeedsManageGroups);
        }

        var created = await configs.CreateAsync(Apply(new PhoneConfig { Group = group, Name = "" }, body), http.RequestAborted).ConfigureAwait(false);
        RestLog.ConfigChanged(loggers.Rest(), created.Config.Id, "created", caller.User, caller.Group);
        http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{created.Config.Id}";
        return PhoneHubJson.Ok(ConfigResponse.From(created), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var (config, denied) = await LoadAsync(rawId, http, configs).ConfigureAwait(false);
        return denied ?? PhoneHubJson.Ok(ConfigResponse.From(config!));
    }

    private static async Task<IResult> UpdateAsync(
        [FromRoute(Name = "id")] string rawId,
        HttpContext http,
        [FromServices] IPhoneConfigService configs,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        var (config, denied) = await LoadAsync(rawId, http, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var id = config!.Id;

        var body = await PhoneHubJson.ReadAsync<ConfigWriteRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        if (body.SystemDefault is { } systemDefault && systemDefault != (config.Group is null))
        {
            return PhoneHubProblems.Validation("system_default", "A config cannot move between a group and the system defaults; create a new one instead.");
        }

        var updated = await configs.UpdateAsync(Apply(config, body), http.RequestAborted).ConfigureAwait(false);
        if (updated is null)
        {
            return PhoneHubProblems.NotFound("config");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.ConfigChanged(loggers.Rest(), id, "updated", caller.User, caller.Group);
        return PhoneHubJson.Ok(ConfigResponse.From(updated));
    }

    private static async Task<IResult> ActivateAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs, [FromServices] ILoggerFactory loggers)
    {
        var (config, denied) = await LoadAsync(rawId, http, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var activated = await configs.ActivateAsync(config!.Id, http.RequestAborted).ConfigureAwait(false);
        if (activated is null)
        {
            return PhoneHubProblems.NotFound("config");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.ConfigChanged(loggers.Rest(), config.Id, "activated", caller.User, caller.Group);
        return PhoneHubJson.Ok(ConfigResponse.From(activated));
    }

    private static async Task<IResult> DeleteAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs, [FromServices] ILoggerFactory loggers)
    {
        var (config, denied) = await LoadAsync(rawId, http, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var id = config!.Id;

        if (!await configs.DeleteAsync(id, http.RequestAborted).ConfigureAwait(false))
        {
            return PhoneHubProblems.NotFound("config");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.ConfigChanged(loggers.Rest(), id, "deleted", caller.User, caller.Group);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> TestAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var (config, denied) = await LoadAsync(rawId, http, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var id = config!.Id;

        var result = await configs.TestConnectionAsync(id, http.RequestAborted).ConfigureAwait(false);
        return result is null ? PhoneHubProblems.NotFound("config") : PhoneHubJson.Ok(ConnectionTestResponse.From(result));
    }

    private static async Task<IResult> SetCredentialsAsync(
        [FromRoute(Name = "id")] string rawId,
        HttpContext http,
        [FromServices] IPhoneConfigService configs,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        // Access is checked before the body is read, so nobody learns anything about a config they cannot manage.
        var (config, denied) = await LoadAsync(rawId, http, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var id = config!.Id;

        var body = await PhoneHubJson.ReadAsync<Dictionary<string, string?>>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        if (!await configs.SetCredentialsAsync(id, new ProviderCredentials(body), http.RequestAborted).ConfigureAwait(false))
        {
            return PhoneHubProblems.NotFound("config");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.CredentialsReplaced(loggers.Rest(), id, caller.User);
        return TypedResults.NoContent();
    }

    // Named settings replace the stored ones, null or empty clears one, and settings not named keep their value (the
    // account SID, set through the credentials route, is not lost by an update that does not mention it).
    private static IReadOnlyDictionary<string, string> MergeSettings(IReadOnlyDictionary<string, string> current, Dictionary<string, string?>? changes)
    {
        if (changes is null)
        {
            return current;
        }

        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }

        return merged;
    }

    /// <summary>Finds a config the caller may manage, or the answer to give instead.</summary>
    // Every {id} route starts the same way: a well-formed id of a config the caller may manage (404 for other groups' configs).
    private static async Task<(PhoneConfig? Config, IResult? Denied)> LoadAsync(string rawId, HttpContext http, IPhoneConfigService configs)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return (null, RouteIds.Invalid());
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var config = await configs.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (config is null || (config.Group is not null && !caller.Owns(config.Group)))
        {
            return (null, PhoneHubProblems.NotFound("config"));
        }

        if (config.Group is null && !caller.Has(PhoneHubPermissions.ManageGroups))
        {
            return (null, PhoneHubProblems.Forbidden(SystemDefaultNeedsManageGroups));
        }

        return (config, null);
    }

    // Present fields replace the config's; on create, absent ones take PhoneConfig's defaults.
    private static PhoneConfig Apply(PhoneConfig config, ConfigWriteRequest body) => config with
    {
        Name = body.Name ?? config.Name,
        Provider = body.Provider ?? config.Provider,
        IsActive = body.IsActive ?? config.IsActive,

        Settings = MergeSettings(config.Settings, body.Settings),
        LookupEnabled = body.LookupEnabled ?? config.LookupEnabled,
        LookupCacheDays = body.LookupCacheDays ?? config.LookupCacheDays,
        TestMode = body.TestMode ?? config.TestMode,
    };

}
