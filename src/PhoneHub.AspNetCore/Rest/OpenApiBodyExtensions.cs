using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace PhoneHub.AspNetCore.Rest;

/// <summary>Describes a route's JSON body in the OpenAPI document.</summary>
internal static class OpenApiBodyExtensions
{
    /// <summary>
    /// Documents a JSON request body of type <typeparamref name="T"/>. Unlike <c>.Accepts&lt;T&gt;()</c> this adds no
    /// content-type constraint to routing, which would answer a non-JSON body with a bare 415 before PhoneHub's
    /// problem handling could run; the body reader checks the content type itself.
    /// </summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), cancellationToken: cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Documents the <c>{id}</c> path parameters, which the handlers read as text (see <see cref="RouteIds"/>), as 64-bit integers.</summary>
    public static TBuilder IdsAreIntegers<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter { Name: "id", In: ParameterLocation.Path } id)
                {
                    id.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" };
                }
            }

            return Task.CompletedTask;
        });
}
