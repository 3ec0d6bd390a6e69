using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PhoneHub.Normalization;

namespace PhoneHub.AspNetCore.Errors;

/// <summary>Builds the RFC 7807 problem documents PhoneHub's routes answer with, each with a stable <c>code</c>.</summary>
internal static class PhoneHubProblems
{
    public static ProblemHttpResult Problem(int status, string title, string detail, string code) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Extensions = { ["code"] = code },
        });

    public static ProblemHttpResult InvalidPhoneNumber(InvalidPhoneNumberException ex) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid phone number", ex.Message, ex.Code);

    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: "One or more fields are invalid.",
            title: "Validation failed",
            extensions: [new("code", PhoneHubProblemCodes.ValidationFailed)]);

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult InvalidJson(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid request body", detail, PhoneHubProblemCodes.InvalidJson);

    public static ProblemHttpResult BodyTooLarge(long? limit) =>
        Problem(
            StatusCodes.Status413PayloadTooLarge,
            "Request body too large",
            limit is { } bytes ? $"The request body must be at most {bytes} bytes." : "The request body is larger than the server accepts.",
            PhoneHubProblemCodes.BodyTooLarge);

    public static ProblemHttpResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"The {what} does not exist.", PhoneHubProblemCodes.NotFound);

    public static ProblemHttpResult Unauthenticated() =>
        Problem(StatusCodes.Status401Unauthorized, "Unauthenticated", "This route requires an authenticated caller.", PhoneHubProblemCodes.Unauthenticated);

    public static ProblemHttpResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, PhoneHubProblemCodes.Forbidden);

    public static ProblemHttpResult InternalError() =>
        Problem(StatusCodes.Status500InternalServerError, "Unexpected error", "The request failed unexpectedly; the server log has the details.", PhoneHubProblemCodes.InternalError);
}
