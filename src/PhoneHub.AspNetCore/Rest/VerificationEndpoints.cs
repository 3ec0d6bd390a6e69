using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.AspNetCore.Errors;
using PhoneHub.AspNetCore.Rest.Contracts;
using PhoneHub.Verification;

namespace PhoneHub.AspNetCore.Rest;

/// <summary><c>verify/...</c>: one-time-code verification of phone numbers, within the caller's group.</summary>
internal static class VerificationEndpoints
{
    public static void Map(RouteGroupBuilder rest)
    {
        var verify = rest.MapGroup("verify").WithTags("PhoneHub Verification");

        verify.MapPost("start", StartAsync)
            .RequireAuthorization(PhoneHubPolicies.VerifyPhoneNumbers)
            .WithName("PhoneHubStartVerification")
            .WithSummary("Sends a one-time code to a number")
            .WithDescription("While the number has a live verification, this is a resend (200): a new code replaces the old one and the lifetime does not restart. Too many codes to one number answer 429 with Retry-After.")
            .JsonBody<StartVerificationBody>()
            .Produces<VerificationResponse>(StatusCodes.Status201Created)
            .Produces<VerificationResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        verify.MapPost("check", CheckAsync)
            .RequireAuthorization(PhoneHubPolicies.VerifyPhoneNumbers)
            .WithName("PhoneHubCheckVerification")
            .WithSummary("Checks a code for a number or a verification id")
            .WithDescription("Answers approved (once), pending (wrong code), expired or too_many_attempts, with a stable reason; 404 when no pending verification matches.")
            .JsonBody<CheckVerificationBody>()
            .Produces<VerificationCheckResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        verify.MapPost("{id}/cancel", CancelAsync)
            .RequireAuthorization(PhoneHubPolicies.VerifyPhoneNumbers)
            .WithName("PhoneHubCancelVerification")
            .WithSummary("Cancels a pending verification")
            .Produces<VerificationResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> StartAsync(HttpContext http, [FromServices] IVerificationService verifications, [FromServices] IOptions<PhoneHubRestOptions> options)
    {
        var body = await PhoneHubJson.ReadAsync<StartVerificationBody>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(body.PhoneNumber))
        {
            return PhoneHubProblems.Validation("phone_number", "'phone_number' is required.");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);

        // Not tied to the request: once a code is queued, the verification should record its message.
        var started = await verifications.StartAsync(body.PhoneNumber, caller.Group, new VerificationStartOptions
        {
            CodeLength = body.CodeLength,
            AppName = body.AppName,
            User = caller.User,
        }, CancellationToken.None).ConfigureAwait(false);
        return PhoneHubJson.Ok(VerificationResponse.From(started.Verification, started.Resent), started.Resent ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    private static async Task<IResult> CheckAsync(HttpContext http, [FromServices] IVerificationService verifications, [FromServices] IOptions<PhoneHubRestOptions> options)
    {
        var body = await PhoneHubJson.ReadAsync<CheckVerificationBody>(http.Request, options.Value.MaxRequestBodySize).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Code))
        {
            return PhoneHubProblems.Validation("code", "'code' is required.");
        }

        if (body.VerificationId is null && string.IsNullOrWhiteSpace(body.PhoneNumber))
        {
            return PhoneHubProblems.Validation("phone_number", "Give 'phone_number' or 'verification_id'.");
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var result = await verifications.CheckAsync(new VerificationCheckRequest
        {
            PhoneNumber = body.PhoneNumber,
            VerificationId = body.VerificationId,
            Code = body.Code,
        }, caller.Group, CancellationToken.None).ConfigureAwait(false);

        if (result.Outcome == VerificationOutcome.NotFound || result.Verification is null)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status404NotFound, "Not found", "No pending verification matches.", VerificationReasons.NotFound);
        }

        return PhoneHubJson.Ok(new VerificationCheckResponse
        {
            Status = result.Outcome switch
            {
                VerificationOutcome.Approved => "approved",
                VerificationOutcome.Pending => "pending",
                VerificationOutcome.Expired => "expired",
                _ => "too_many_attempts",
            },
            Reason = result.Reason,
            VerificationId = result.Verification.Id,
            RemainingChecks = result.RemainingChecks,
        });
    }

    private static async Task<IResult> CancelAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IVerificationService verifications)
    {
        if (!RouteIds.TryParse(rawId, out var id))
        {
            return RouteIds.Invalid();
        }

        var caller = await RestCaller.GetAsync(http).ConfigureAwait(false);
        var canceled = await verifications.CancelAsync(id, caller.Group, http.RequestAborted).ConfigureAwait(false);
        return canceled is null ? PhoneHubProblems.NotFound("verification") : PhoneHubJson.Ok(VerificationResponse.From(canceled));
    }

    /// <summary>Sets <c>Retry-After</c> (whole seconds, rounded up) on a refusal that waiting cures.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
