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
using PhoneHub.Lookup;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>
/// <c>phone/...</c>: normalization, lookups and the shared phone-number cache. The cache is global by design (a
/// carrier's answer does not depend on who asked), so these routes check permissions but not groups.
/// </summary>
internal static class PhoneEndpoints
{
    private const int MaxFieldLength = 200;

    private static readonly HashSet<string> KnownLineTypes = new(StringComparer.Ordinal)
    {
        LineTypes.Mobile, LineTypes.Landline, LineTypes.FixedVoip, LineTypes.NonFixedVoip, LineTypes.TollFree, LineTypes.Premium,
        LineTypes.SharedCost, LineTypes.Uan, LineTypes.Voicemail, LineTypes.Pager, LineTypes.Personal, LineTypes.FixedLineOrMobile,
        LineTypes.Unknown,
    };

    public static void Map(RouteGroupBuilder rest)
    {
        var phone = rest.MapGroup("phone").WithTags("PhoneHub phone numbers");

        phone.MapPost("normalize", NormalizeAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewPhoneNumbers)
            .WithName("PhoneHubNormalize")
            .WithSummary("Normalizes a phone number to E.164")
            .WithDescription("Pure numbering-plan parsing: no provider is called and nothing is stored.")
            .JsonBody<NormalizeRequest>()
            .Produces<NormalizeResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        phone.MapPost("lookup", LookupAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewPhoneNumbers)
            .WithName("PhoneHubLookup")
            .WithSummary("Looks a phone number up through the shared cache")
            .WithDescription("Answers from the cache while it is fresh; otherwise asks the provider of the config that applies to the caller's group.")
            .JsonBody<LookupRequest>()
            .Produces<PhoneNumberResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status502BadGateway);

        phone.MapGet("", ListAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewPhoneNumbers)
            .WithName("PhoneHubListPhoneNumbers")
            .WithSummary("Lists phone-number records, most recently changed first")
            .WithDescription("Query: contains (digits of the E.164 number), line_type, offset, limit (1-500, default 50).")
            .Produces<PageResponse<PhoneNumberResponse>>()
            .ProducesValidationProblem();

        phone.MapPost("", CreateAsync)
            .RequireAuthorization(PhoneHubPolicies.ManagePhoneNumbers)
            .WithName("PhoneHubCreatePhoneNumber")
            .WithSummary("Creates or updates the record of a number, identified by its E.164 form")
            .JsonBody<PhoneNumberWriteRequest>()
            .Produces<PhoneNumberResponse>(StatusCodes.Status201Created)
            .Produces<PhoneNumberResponse>()
            .ProducesValidationProblem();

        phone.MapGet("{id}", GetAsync)
            .RequireAuthorization(PhoneHubPolicies.ViewPhoneNumbers)
            .WithName("PhoneHubGetPhoneNumber")
            .WithSummary("Gets a phone-number record")
            .Produces<PhoneNumberResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        phone.MapPut("{id}", UpdateAsync)
            .RequireAuthorization(PhoneHubPolicies.ManagePhoneNumbers)
            .WithName("PhoneHubUpdatePhoneNumber")
            .WithSummary("Updates a phone-number record's descriptive fields")
            .WithDescription("Omitted fields keep their value; the number itself cannot change.")
            .JsonBody<PhoneNumberWriteRequest>()
            .Produces<PhoneNumberResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        phone.MapDelete("{id}", DeleteAsync)
            .RequireAuthorization(PhoneHubPolicies.ManagePhoneNumbers)
            .WithName("PhoneHubDeletePhoneNumber")
            .WithSummary("Deletes a phone-number record")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> NormalizeAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] IOptions<PhoneHubRestOptions> options)
    {
        var body = await PhoneHubJson.ReadAsync<NormalizeRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var parsed = hub.Parse(body.PhoneNumber ?? "", Region(body.CountryCode));
        return PhoneHubJson.Ok(NormalizeResponse.From(parsed));
    }

    private static async Task<IResult> LookupAsync(HttpContext http, [FromServices] IPhoneHub hub, [FromServices] IOptions<PhoneHubRestOptions> options)
    {
        var body = await PhoneHubJson.ReadAsync<LookupRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var number = await hub.LookupAsync(body.PhoneNumber ?? "", body.ForceRefresh, caller.Group, caller.User, http.RequestAborted).ConfigureAwait(false);
        return PhoneHubJson.Ok(PhoneNumberResponse.From(number));
    }

    private static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneNumberStore store)
    {
        var query = new QueryReader(http.Request.Query);
        var contains = query.String("contains", 20);
        if (contains is not null && !contains.TrimStart('+').All(char.IsAsciiDigit))
        {
            query.Error("contains", "'contains' must be digits of the number, optionally after '+'.");
        }

        var lineType = query.String("line_type", 50);
        if (lineType is not null && !KnownLineTypes.Contains(lineType))
        {
            query.Error("line_type", $"'line_type' must be one of: {string.Join(", ", KnownLineTypes)}.");
        }

        var (offset, limit) = query.Paging();
        if (query.Errors.Count > 0)
        {
            return PhoneHubProblems.Validation(query.Errors);
        }

        var page = await store.ListAsync(new PhoneNumberQuery { Contains = contains, LineType = lineType, Offset = offset, Limit = limit }, http.RequestAborted).ConfigureAwait(false);
        return PhoneHubJson.Ok(new PageResponse<PhoneNumberResponse>
        {
            Items = [.. page.Items.Select(PhoneNumberResponse.From)],
            TotalCount = page.TotalCount,
            Offset = page.Offset,
            Limit = page.Limit,
        });
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        [FromServices] IPhoneHub hub,
        [FromServices] IPhoneNumberStore store,
        [FromServices] IPhoneLookupService lookups,
        [FromServices] TimeProvider time,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        var body = await PhoneHubJson.ReadAsync<PhoneNumberWriteRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var parsed = hub.Parse(body.PhoneNumber ?? "", Region(body.CountryCode));
        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return PhoneHubProblems.Validation(errors);
        }

        var now = time.GetUtcNow();
        var existing = await store.FindAsync(parsed.E164, http.RequestAborted).ConfigureAwait(false);

        // A new record starts from what numbering-plan metadata says; it has no lookup expiry, so the first lookup
        // still asks the provider.
        var baseline = existing ?? MetadataLookup.ToRecord(parsed, PhoneProviders.Local, now);
        var stored = await store.UpsertAsync(Apply(baseline, body) with { Modified = now }, http.RequestAborted).ConfigureAwait(false);
        Forget(lookups, stored.E164);
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.PhoneNumberChanged(loggers.Rest(), stored.Id, existing is null ? "created" : "updated", caller.User);
        if (existing is not null)
        {
            return PhoneHubJson.Ok(PhoneNumberResponse.From(stored));
        }

        http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{stored.Id}";
        return PhoneHubJson.Ok(PhoneNumberResponse.From(stored), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneNumberStore store)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var number = await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        return number is null ? PhoneHubProblems.NotFound("phone number") : PhoneHubJson.Ok(PhoneNumberResponse.From(number));
    }

    private static async Task<IResult> UpdateAsync(
        [FromRoute(Name = "id")] string rawId,
        HttpContext http,
        [FromServices] IPhoneHub hub,
        [FromServices] IPhoneNumberStore store,
        [FromServices] IPhoneLookupService lookups,
        [FromServices] TimeProvider time,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var existing = await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (existing is null)
        {
            return PhoneHubProblems.NotFound("phone number");
        }

        var body = await PhoneHubJson.ReadAsync<PhoneNumberWriteRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var errors = Validate(body);
        if (!string.IsNullOrWhiteSpace(body.PhoneNumber) && hub.Normalize(body.PhoneNumber, Region(body.CountryCode)) != existing.E164)
        {
            errors["phone_number"] = ["The number of a record cannot change; create a record for the other number instead."];
        }

        if (errors.Count > 0)
        {
            return PhoneHubProblems.Validation(errors);
        }

        var stored = await store.UpsertAsync(Apply(existing, body) with { Modified = time.GetUtcNow() }, http.RequestAborted).ConfigureAwait(false);
        Forget(lookups, stored.E164);
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.PhoneNumberChanged(loggers.Rest(), stored.Id, "updated", caller.User);
        return PhoneHubJson.Ok(PhoneNumberResponse.From(stored));
    }

    private static async Task<IResult> DeleteAsync(
        [FromRoute(Name = "id")] string rawId,
        HttpContext http,
        [FromServices] IPhoneNumberStore store,
        [FromServices] IPhoneLookupService lookups,
        [FromServices] ILoggerFactory loggers)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var existing = await store.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (existing is null || !await store.DeleteAsync(id, http.RequestAborted).ConfigureAwait(false))
        {
            return PhoneHubProblems.NotFound("phone number");
        }

        Forget(lookups, existing.E164);

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.PhoneNumberChanged(loggers.Rest(), id, "deleted", caller.User);
        return TypedResults.NoContent();
    }

    // The default lookup service answers recent numbers from memory; a record changed here must not be served stale
    // from there. A host's own lookup service keeps its own cache rules.
    private static void Forget(IPhoneLookupService lookups, string e164) => (lookups as PhoneLookupService)?.Forget(e164);

    private static string? Region(string? countryCode) => string.IsNullOrWhiteSpace(countryCode) ? null : countryCode.Trim().ToUpperInvariant();

    private static Dictionary<string, string[]> Validate(PhoneNumberWriteRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        void Length(string field, string? value)
        {
            if (value is { Length: > MaxFieldLength })
            {
                errors[field] = [$"'{field}' must be at most {MaxFieldLength} characters."];
            }
        }

        Length("carrier", body.Carrier);
        Length("caller_name", body.CallerName);
        Length("address_street", body.AddressStreet);
        Length("address_city", body.AddressCity);
        Length("address_state", body.AddressState);
        Length("address_postal_code", body.AddressPostalCode);
        Length("address_country", body.AddressCountry);
        if (body.LineType is { Length: > 0 } lineType && !KnownLineTypes.Contains(lineType))
        {
            errors["line_type"] = [$"'line_type' must be one of: {string.Join(", ", KnownLineTypes)}."];
        }

        if (body.CallerType is { Length: > 0 } callerType && CallerTypeOf(callerType) is null)
        {
            errors["caller_type"] = ["'caller_type' must be 'business' or 'consumer'."];
        }

        return errors;
    }

    private static CallerType? CallerTypeOf(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "business" => CallerType.Business,
        "consumer" => CallerType.Consumer,
        _ => null,
    };

    // Fields present in the body replace the record's; an empty string clears a text field.
    private static PhoneNumber Apply(PhoneNumber record, PhoneNumberWriteRequest body) => record with
    {
        Carrier = Text(body.Carrier, record.Carrier),
        LineType = Text(body.LineType, record.LineType),
        IsMobile = body.IsMobile ?? record.IsMobile,
        IsVoip = body.IsVoip ?? record.IsVoip,
        CallerName = Text(body.CallerName, record.CallerName),
        CallerType = body.CallerType is null ? record.CallerType : CallerTypeOf(body.CallerType),
        AddressStreet = Text(body.AddressStreet, record.AddressStreet),
        AddressCity = Text(body.AddressCity, record.AddressCity),
        AddressState = Text(body.AddressState, record.AddressState),
        AddressPostalCode = Text(body.AddressPostalCode, record.AddressPostalCode),
        AddressCountry = Text(body.AddressCountry, record.AddressCountry),
    };

    private static string? Text(string? given, string? current) => given is null ? current : (given.Trim() is { Length: > 0 } t ? t : null);
}
