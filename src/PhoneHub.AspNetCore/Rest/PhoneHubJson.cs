using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PhoneHub.AspNetCore.Errors;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>
/// PhoneHub's own JSON settings (snake_case, as the routes have always spoken), used for request and response bodies
/// so the host's global JSON options neither change PhoneHub's wire format nor are changed by it.
/// </summary>
internal static class PhoneHubJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,

            // Metadata keys are the caller's data: keep them as written.
            DictionaryKeyPolicy = null,

            // A misspelt field (or credentials sent to the wrong route) is an error, not silently dropped.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),

            // Keep '+' of E.164 numbers (and non-ASCII names) readable. The bodies are served as application/json only,
            // never embedded in HTML, which is what the stricter default encoder guards against.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Writes <paramref name="value"/> with PhoneHub's options.</summary>
    public static IResult Ok<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(value, Options, contentType: "application/json", statusCode: statusCode);

    /// <summary>
    /// Reads a JSON body of at most <paramref name="limit"/> bytes. The body is buffered within the limit before
    /// parsing, so a chunked upload without Content-Length cannot get past it either.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, long limit)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new InvalidRequestBodyException("The body must be JSON (Content-Type: application/json).", StatusCodes.Status415UnsupportedMediaType);
        }

        var buffer = await ReadBodyAsync(request, limit).ConfigureAwait(false);
        if (buffer.WrittenCount == 0)
        {
            throw new InvalidRequestBodyException("A JSON body is required.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, Options)
                ?? throw new InvalidRequestBodyException("The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            // The serializer's own message names .NET types; say where the problem is instead.
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at '{ex.Path}'";
            throw new InvalidRequestBodyException($"The body is not valid JSON for this route{where}: check the field names and value types.");
        }
    }
    /// <summary>
    /// Reads a body of at most <paramref name="limit"/> bytes. The body is buffered within the limit, so a chunked
    /// upload without Content-Length cannot get past it either.
    /// </summary>
    public static async Task<ArrayBufferWriter<byte>> ReadBodyAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit)
        {
            throw new RequestBodyTooLargeException(limit);
        }

        // Let the server stop an oversized upload too, rather than drain up to its own (much larger) default.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit
            && (sizeLimit.MaxRequestBodySize is null || sizeLimit.MaxRequestBodySize > limit))
        {
            sizeLimit.MaxRequestBodySize = limit;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            int read;
            try
            {
                read = await request.Body.ReadAsync(memory, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw new RequestBodyTooLargeException(limit);
            }

            if (read == 0)
            {
                return buffer;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw new RequestBodyTooLargeException(limit);
            }
        }
    }
}

/// <summary>Thrown by the body reader when a request body cannot be read as the route's JSON.</summary>
/// <param name="detail">What is wrong, for the caller.</param>
/// <param name="status">The status to answer.</param>
internal sealed class InvalidRequestBodyException(string detail, int status = StatusCodes.Status400BadRequest) : Exception(detail)
{
    public int Status { get; } = status;
}
