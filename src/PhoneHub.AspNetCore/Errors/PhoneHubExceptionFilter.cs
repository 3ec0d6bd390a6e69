using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Rest;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Normalization;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Verification;

namespace PhoneHub.AspNetCore.Errors;

/// <summary>
/// Turns what PhoneHub throws into problem documents, so every REST route answers RFC 7807 whatever the host's
/// exception handling is, and never with a stack trace. The messages used are PhoneHub's own, written to be shown
/// (they never contain credentials); anything unexpected becomes a bare 500 and goes to the log.
/// </summary>
internal sealed class PhoneHubExceptionFilter(ILoggerFactory loggers) : IEndpointFilter
{
    private readonly ILogger _logger = loggers.Rest();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            throw;
        }
        catch (RequestBodyTooLargeException ex)
        {
            return PhoneHubProblems.BodyTooLarge(ex.Limit);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own body limit (Kestrel's, set by the host) tripped before ours; its size is not ours to quote.
            return PhoneHubProblems.BodyTooLarge(null);
        }
        catch (InvalidRequestBodyException ex)
        {
            return ex.Status == StatusCodes.Status415UnsupportedMediaType
                ? PhoneHubProblems.Problem(ex.Status, "Unsupported media type", ex.Message, PhoneHubProblemCodes.UnsupportedMediaType)
                : PhoneHubProblems.InvalidJson(ex.Message);
        }
        catch (InvalidPhoneNumberException ex)
        {
            return PhoneHubProblems.InvalidPhoneNumber(ex);
        }
        catch (PhoneHubValidationException ex)
        {
            return PhoneHubProblems.Validation(ex.Errors);
        }
        catch (PhoneConfigNotFoundException ex)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status409Conflict, "No config applies", ex.Message, PhoneHubProblemCodes.ConfigNotFound);
        }
        catch (ProviderIdentityConflictException ex)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status409Conflict, "Identity already in use", ex.Message, PhoneHubProblemCodes.IdentityConflict);
        }
        catch (IdempotencyConflictException ex)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused", ex.Message, PhoneHubProblemCodes.IdempotencyConflict);
        }
        catch (SmsNotCancelableException ex)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status409Conflict, "Not cancelable", ex.Message, PhoneHubProblemCodes.NotCancelable);
        }
        catch (SmsCsvException ex)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status400BadRequest, "Invalid CSV", ex.Message, PhoneHubProblemCodes.InvalidCsv);
        }
        catch (ProviderNotRegisteredException ex)
        {
            // The host's operator reads the log (which says how to fix it); the caller learns only that sending is unavailable.
            RestLog.HostMisconfigured(_logger, ex, PhoneHubProblemCodes.ProviderNotRegistered, context.HttpContext.Request.Path);
            return PhoneHubProblems.Problem(StatusCodes.Status503ServiceUnavailable, "Provider unavailable",
                "The provider of the config that applies is not available on this server.", PhoneHubProblemCodes.ProviderNotRegistered);
        }
        catch (CredentialsUnavailableException ex)
        {
            RestLog.HostMisconfigured(_logger, ex, PhoneHubProblemCodes.CredentialsUnavailable, context.HttpContext.Request.Path);
            return PhoneHubProblems.Problem(StatusCodes.Status503ServiceUnavailable, "Credentials unavailable",
                "Provider credentials cannot be stored or read on this server right now.", PhoneHubProblemCodes.CredentialsUnavailable);
        }
        catch (VerificationLimitException ex)
        {
            if (ex.RetryAfter is { } retryAfter)
            {
                VerificationEndpoints.SetRetryAfter(context.HttpContext.Response, retryAfter);
            }

            return PhoneHubProblems.Problem(ex.RetryAfter is null ? StatusCodes.Status403Forbidden : StatusCodes.Status429TooManyRequests, "Verification refused", ex.Message, ex.Reason);
        }
        catch (VerificationUnavailableException ex)
        {
            RestLog.HostMisconfigured(_logger, ex, VerificationReasons.Unavailable, context.HttpContext.Request.Path);
            return PhoneHubProblems.Problem(StatusCodes.Status503ServiceUnavailable, "Verification unavailable",
                "Phone-number verification is not configured on this server.", VerificationReasons.Unavailable);
        }
        catch (PhoneLookupException ex)
        {
            return PhoneHubProblems.Problem(StatusCodes.Status502BadGateway, "Lookup failed", ex.Message, PhoneHubProblemCodes.LookupFailed);
        }
        catch (Exception ex) when (!context.HttpContext.Response.HasStarted)
        {
            RestLog.UnexpectedError(_logger, ex, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return PhoneHubProblems.InternalError();
        }
    }
}

/// <summary>Thrown by the body reader when a request body exceeds the limit.</summary>
/// <param name="limit">The limit in bytes.</param>
internal sealed class RequestBodyTooLargeException(long limit) : Exception($"The request body exceeds {limit} bytes.")
{
    public long Limit { get; } = limit;
}
