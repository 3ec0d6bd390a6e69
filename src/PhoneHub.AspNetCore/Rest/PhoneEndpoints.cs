using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Errors;
using PhoneHub.AspNetCore.Rest.Contracts;
using PhoneHub.Lookup;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>
/// <c>phone/...</c>: normalization, lookups and the shared phone-number cache. The cache is global by design (a
/// carrier's answer does not depend on who asked): every group may read it, and writing it needs <c>manage_groups</c>
/// besides <c>manage_phone_numbers</c>, because a change is seen by every group.
/// </summary>
internal static class PhoneEndpoints
{

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
            .RequireAuthorization(PhoneHubPolicies.ManagePhoneNumbers, PhoneHubPolicies.ManageGroups)
            .WithName("PhoneHubCreatePhoneNumber")
            .WithSummary("Creates or updates the shared record of a number, identified by its E.164 form")
            .WithDescription("The record is read by every group, so writing it needs manage_groups as well as manage_phone_numbers.")
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
            .RequireAuthorization(PhoneHubPolicies.ManagePhoneNumbers, PhoneHubPolicies.ManageGroups)
            .WithName("PhoneHubUpdatePhoneNumber")
            .WithSummary("Updates a phone-number record's descriptive fields")
            .WithDescription("Omitted fields keep their value; the number itself cannot change.")
            .JsonBody<PhoneNumberWriteRequest>()
            .Produces<PhoneNumberResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        phone.MapDelete("{id}", DeleteAsync)
            .RequireAuthorization(PhoneHubPolicies.ManagePhoneNumbers, PhoneHubPolicies.ManageGroups)
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

    private static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneNumberService numbers)
    {
        var query = new QueryReader(http.Request.Query);
        var contains = query.String("contains", 20);
        var lineType = query.String("line_type", 50);
        var (offset, limit) = query.Paging();
        if (query.Errors.Count > 0)
        {
            return PhoneHubProblems.Validation(query.Errors);
        }

        var page = await numbers.ListAsync(new PhoneNumberQuery { Contains = contains, LineType = lineType, Offset = offset, Limit = limit }, http.RequestAborted).ConfigureAwait(false);
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
        [FromServices] IPhoneNumberService numbers,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        var body = await PhoneHubJson.ReadAsync<PhoneNumberWriteRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        var saved = await numbers.SaveAsync(body.PhoneNumber ?? "", Patch(body), Region(body.CountryCode), http.RequestAborted).ConfigureAwait(false);
        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.PhoneNumberChanged(loggers.Rest(), saved.Number.Id, saved.Created ? "created" : "updated", caller.User);
        if (!saved.Created)
        {
            return PhoneHubJson.Ok(PhoneNumberResponse.From(saved.Number));
        }

        http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path.Value?.TrimEnd('/')}/{saved.Number.Id}";
        return PhoneHubJson.Ok(PhoneNumberResponse.From(saved.Number), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneNumberService numbers)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var number = await numbers.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        return number is null ? PhoneHubProblems.NotFound("phone number") : PhoneHubJson.Ok(PhoneNumberResponse.From(number));
    }

    private static async Task<IResult> UpdateAsync(
        [FromRoute(Name = "id")] string rawId,
        HttpContext http,
        [FromServices] IPhoneHub hub,
        [FromServices] IOptions<PhoneHubRestOptions> options,
        [FromServices] ILoggerFactory loggers)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var existing = await hub.Numbers.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        if (existing is null)
        {
            return PhoneHubProblems.NotFound("phone number");
        }

        var body = await PhoneHubJson.ReadAsync<PhoneNumberWriteRequest>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(body.PhoneNumber) && hub.Normalize(body.PhoneNumber, Region(body.CountryCode)) != existing.E164)
        {
            return PhoneHubProblems.Validation("phone_number", "The number of a record cannot change; create a record for the other number instead.");
        }

        var stored = await hub.Numbers.UpdateAsync(id, Patch(body), http.RequestAborted).ConfigureAwait(false);
        if (stored is null)
        {
            return PhoneHubProblems.NotFound("phone number");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.PhoneNumberChanged(loggers.Rest(), stored.Id, "updated", caller.User);
        return PhoneHubJson.Ok(PhoneNumberResponse.From(stored));
    }

    private static async Task<IResult> DeleteAsync(
        [FromRoute(Name = "id")] string rawId,
        HttpContext http,
        [FromServices] IPhoneNumberService numbers,
        [FromServices] ILoggerFactory loggers)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        if (!await numbers.DeleteAsync(id, http.RequestAborted).ConfigureAwait(false))
        {
            return PhoneHubProblems.NotFound("phone number");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        RestLog.PhoneNumberChanged(loggers.Rest(), id, "deleted", caller.User);
        return TypedResults.NoContent();
    }

    private static string? Region(string? countryCode) => string.IsNullOrWhiteSpace(countryCode) ? null : countryCode.Trim().ToUpperInvariant();

    private static PhoneNumberPatch Patch(PhoneNumberWriteRequest body) => new()
    {
        Carrier = body.Carrier,
        LineType = body.LineType,
        IsMobile = body.IsMobile,
        IsVoip = body.IsVoip,
        CallerName = body.CallerName,
        CallerType = body.CallerType,
        AddressStreet = body.AddressStreet,
        AddressCity = body.AddressCity,
        AddressState = body.AddressState,
        AddressPostalCode = body.AddressPostalCode,
        AddressCountry = body.AddressCountry,
    };
}
