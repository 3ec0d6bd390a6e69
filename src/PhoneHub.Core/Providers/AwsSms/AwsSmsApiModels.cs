using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PhoneHub.Providers.AwsSms;

// Request and result documents of the pinpoint-sms-voice-v2 actions PhoneHub calls, named and typed as in the service
// model (botocore data/pinpoint-sms-voice-v2/2022-03-31/service-2.json). The JSON 1.0 protocol writes members by their
// model names (PascalCase) and omits unset ones, which the serializer context below does.

/// <summary><c>SendTextMessageRequest</c>.</summary>
internal sealed record SendTextMessageRequest
{
    /// <summary>E.164 (PhoneNumber: 1-20, <c>\+?[1-9][0-9]{1,18}</c>). The only required member.</summary>
    public required string DestinationPhoneNumber { get; init; }

    public string? OriginationIdentity { get; init; }

    /// <summary>TextMessageBody: 1-1600 characters, not only whitespace.</summary>
    public string? MessageBody { get; init; }

    /// <summary><c>TRANSACTIONAL</c> or <c>PROMOTIONAL</c>.</summary>
    public string? MessageType { get; init; }

    public string? Keyword { get; init; }

    public string? ConfigurationSetName { get; init; }

    /// <summary>A string in the model (MaxPrice: <c>[0-9]{0,2}\.[0-9]{1,5}</c>), not a number.</summary>
    public string? MaxPrice { get; init; }

    /// <summary>Seconds, 5-259200.</summary>
    public int? TimeToLive { get; init; }

    /// <summary>ContextMap: up to 5 entries, logged to the event destinations with every event of the message.</summary>
    public IReadOnlyDictionary<string, string>? Context { get; init; }

    public IReadOnlyDictionary<string, string>? DestinationCountryParameters { get; init; }

    /// <summary>PrimitiveBoolean; only written when true (the model's default is false).</summary>
    public bool? DryRun { get; init; }

    public string? ProtectConfigurationId { get; init; }

    public bool? MessageFeedbackEnabled { get; init; }
}

/// <summary><c>SendMediaMessageRequest</c>.</summary>
internal sealed record SendMediaMessageRequest
{
    public required string DestinationPhoneNumber { get; init; }

    /// <summary>Required for media messages, unlike text messages.</summary>
    public required string OriginationIdentity { get; init; }

    public string? MessageBody { get; init; }

    /// <summary>MediaUrlList: exactly one <c>s3://bucket/key</c> URL.</summary>
    public IReadOnlyList<string>? MediaUrls { get; init; }

    public string? ConfigurationSetName { get; init; }

    public string? MaxPrice { get; init; }

    public int? TimeToLive { get; init; }

    public IReadOnlyDictionary<string, string>? Context { get; init; }

    public bool? DryRun { get; init; }

    public string? ProtectConfigurationId { get; init; }

    public bool? MessageFeedbackEnabled { get; init; }
}

/// <summary><c>SendTextMessageResult</c> and <c>SendMediaMessageResult</c> (both only carry <c>MessageId</c>).</summary>
internal sealed record SendMessageResult
{
    public string? MessageId { get; init; }
}

/// <summary><c>DescribeAccountAttributesRequest</c> (paged; PhoneHub's connection test reads the first page only).</summary>
internal sealed record DescribeAccountAttributesRequest
{
    public string? NextToken { get; init; }

    /// <summary>1-100.</summary>
    public int? MaxResults { get; init; }
}

/// <summary><c>DescribeAccountAttributesResult</c>.</summary>
internal sealed record DescribeAccountAttributesResult
{
    public IReadOnlyList<AccountAttribute>? AccountAttributes { get; init; }

    public string? NextToken { get; init; }
}

/// <summary><c>AccountAttribute</c>: Name is <c>ACCOUNT_TIER</c> or <c>DEFAULT_PROTECT_CONFIGURATION_ID</c>.</summary>
internal sealed record AccountAttribute
{
    public const string AccountTier = "ACCOUNT_TIER";

    public string? Name { get; init; }

    public string? Value { get; init; }
}

/// <summary><c>PutOptedOutNumberRequest</c>.</summary>
internal sealed record PutOptedOutNumberRequest
{
    public required string OptOutListName { get; init; }

    public required string OptedOutNumber { get; init; }
}

/// <summary><c>PutOptedOutNumberResult</c>.</summary>
internal sealed record PutOptedOutNumberResult
{
    public string? OptOutListArn { get; init; }

    public string? OptOutListName { get; init; }

    public string? OptedOutNumber { get; init; }

    [JsonConverter(typeof(AwsEpochSecondsConverter))]
    public DateTimeOffset? OptedOutTimestamp { get; init; }

    public bool EndUserOptedOut { get; init; }
}

/// <summary><c>DescribeOptedOutNumbersRequest</c>.</summary>
internal sealed record DescribeOptedOutNumbersRequest
{
    public required string OptOutListName { get; init; }

    /// <summary>Up to 5 numbers to look for.</summary>
    public IReadOnlyList<string>? OptedOutNumbers { get; init; }

    public IReadOnlyList<OptedOutFilter>? Filters { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

/// <summary><c>OptedOutFilter</c>: Name is <c>end-user-opted-out</c>.</summary>
internal sealed record OptedOutFilter
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Values { get; init; }
}

/// <summary><c>DescribeOptedOutNumbersResult</c>.</summary>
internal sealed record DescribeOptedOutNumbersResult
{
    public string? OptOutListArn { get; init; }

    public string? OptOutListName { get; init; }

    public IReadOnlyList<OptedOutNumberInformation>? OptedOutNumbers { get; init; }

    public string? NextToken { get; init; }
}

/// <summary><c>OptedOutNumberInformation</c>.</summary>
internal sealed record OptedOutNumberInformation
{
    public string? OptedOutNumber { get; init; }

    [JsonConverter(typeof(AwsEpochSecondsConverter))]
    public DateTimeOffset? OptedOutTimestamp { get; init; }

    public bool EndUserOptedOut { get; init; }
}

/// <summary>
/// JSON protocol timestamps: seconds since the Unix epoch as a JSON number, possibly with a fraction (the protocol's
/// default <c>epoch-seconds</c> format). ISO 8601 strings are accepted too, since some stand-ins write them.
/// </summary>
internal sealed class AwsEpochSecondsConverter : JsonConverter<DateTimeOffset?>
{
    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(reader.GetDouble() * 1000, MidpointRounding.AwayFromZero));
            case JsonTokenType.String when DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                return parsed;
            default:
                throw new JsonException("Expected an epoch-seconds timestamp.");
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            writer.WriteNumberValue(time.ToUnixTimeMilliseconds() / 1000.0);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Source-generated (de)serialization of the API documents and of delivery events; nothing is reflected at run time.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SendTextMessageRequest))]
[JsonSerializable(typeof(SendMediaMessageRequest))]
[JsonSerializable(typeof(SendMessageResult))]
[JsonSerializable(typeof(DescribeAccountAttributesRequest))]
[JsonSerializable(typeof(DescribeAccountAttributesResult))]
[JsonSerializable(typeof(PutOptedOutNumberRequest))]
[JsonSerializable(typeof(PutOptedOutNumberResult))]
[JsonSerializable(typeof(DescribeOptedOutNumbersRequest))]
[JsonSerializable(typeof(DescribeOptedOutNumbersResult))]
[JsonSerializable(typeof(AwsSmsEventDocument))]
internal sealed partial class AwsSmsJsonContext : JsonSerializerContext;
