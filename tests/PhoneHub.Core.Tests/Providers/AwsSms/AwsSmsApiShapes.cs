using System.Text.Json;
using System.Text.RegularExpressions;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// The input shapes of the actions PhoneHub calls, as AWS publishes them in the <c>pinpoint-sms-voice-v2</c> service
/// model (2022-03-31): member names, types, required members, lengths, ranges, enums and patterns. The loopback stand-in
/// checks every request body against these, so a misspelt member, a number sent as a string or a value AWS would refuse
/// fails the test. Patterns are anchored here (AWS's are not), which is stricter, never looser.
/// </summary>
public static class AwsSmsApiShapes
{
    private static readonly Shape PhoneNumber = Shape.Str(1, 20, @"\+?[1-9][0-9]{1,18}");
    private static readonly Shape OriginationIdentity = Shape.Str(1, 256, @"[A-Za-z0-9_:/\+-]+");
    private static readonly Shape NameOrArn = Shape.Str(1, 256, "[A-Za-z0-9_:/-]+");
    private static readonly Shape TextMessageBody = Shape.Str(1, 1600, @"(?!\s*$)[\s\S]+");
    private static readonly Shape MaxPrice = Shape.Str(2, 8, @"[0-9]{0,2}\.[0-9]{1,5}");
    private static readonly Shape TimeToLive = Shape.WholeNumber(5, 259_200);
    private static readonly Shape ContextMap = Shape.Map(Shape.Str(1, 100, @"\S+"), Shape.Str(1, 800, @"(?!\s)[\s\S]+(?<!\s)"), 5);
    private static readonly Shape NextToken = Shape.Str(1, 1024, ".+");
    private static readonly Shape MaxResults = Shape.WholeNumber(1, 100);

    public static IReadOnlyDictionary<string, Shape> Inputs { get; } = new Dictionary<string, Shape>(StringComparer.Ordinal)
    {
        ["SendTextMessage"] = Shape.Struct(["DestinationPhoneNumber"], new()
        {
            ["DestinationPhoneNumber"] = PhoneNumber,
            ["OriginationIdentity"] = OriginationIdentity,
            ["MessageBody"] = TextMessageBody,
            ["MessageType"] = Shape.Enum("TRANSACTIONAL", "PROMOTIONAL"),
            ["Keyword"] = Shape.Str(1, 30, @"[ \S]+"),
            ["ConfigurationSetName"] = NameOrArn,
            ["MaxPrice"] = MaxPrice,
            ["TimeToLive"] = TimeToLive,
            ["Context"] = ContextMap,
            ["DestinationCountryParameters"] = Shape.Map(Shape.Enum("IN_TEMPLATE_ID", "IN_ENTITY_ID"), Shape.Str(1, 64, @"\S+"), 10),
            ["DryRun"] = Shape.Bool,
            ["ProtectConfigurationId"] = NameOrArn,
            ["MessageFeedbackEnabled"] = Shape.Bool,
        }),
        ["SendMediaMessage"] = Shape.Struct(["DestinationPhoneNumber", "OriginationIdentity"], new()
        {
            ["DestinationPhoneNumber"] = PhoneNumber,
            ["OriginationIdentity"] = OriginationIdentity,
            ["MessageBody"] = TextMessageBody,
            ["MediaUrls"] = Shape.List(Shape.Str(1, 2048, @"s3://([a-z0-9\.-]{3,63})/(.+)"), 1, 1),
            ["ConfigurationSetName"] = NameOrArn,
            ["MaxPrice"] = MaxPrice,
            ["TimeToLive"] = TimeToLive,
            ["Context"] = ContextMap,
            ["DryRun"] = Shape.Bool,
            ["ProtectConfigurationId"] = NameOrArn,
            ["MessageFeedbackEnabled"] = Shape.Bool,
        }),
        ["DescribeAccountAttributes"] = Shape.Struct([], new()
        {
            ["NextToken"] = NextToken,
            ["MaxResults"] = MaxResults,
        }),
        ["PutOptedOutNumber"] = Shape.Struct(["OptOutListName", "OptedOutNumber"], new()
        {
            ["OptOutListName"] = NameOrArn,
            ["OptedOutNumber"] = PhoneNumber,
        }),
        ["DescribeOptedOutNumbers"] = Shape.Struct(["OptOutListName"], new()
        {
            ["OptOutListName"] = NameOrArn,
            ["OptedOutNumbers"] = Shape.List(PhoneNumber, 0, 5),
            ["Filters"] = Shape.List(Shape.Struct(["Name", "Values"], new()
            {
                ["Name"] = Shape.Enum("end-user-opted-out"),
                ["Values"] = Shape.List(Shape.Str(1, 128, @"[/\.:A-Za-z0-9+_-]+"), 1, 20),
            }), 0, 20),
            ["NextToken"] = NextToken,
            ["MaxResults"] = MaxResults,
        }),
    };

    /// <summary>Everything wrong with <paramref name="body"/> as the input of <paramref name="action"/> (empty when it conforms).</summary>
    public static IReadOnlyList<string> Check(string action, byte[] body)
    {
        if (!Inputs.TryGetValue(action, out var shape))
        {
            return [$"unknown action {action}"];
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var problems = new List<string>();
            shape.Check(doc.RootElement, action, problems);
            return problems;
        }
        catch (JsonException ex)
        {
            return [$"{action}: body is not JSON ({ex.Message})"];
        }
    }
}

/// <summary>One shape of the service model, reduced to what a request check needs.</summary>
public abstract class Shape
{
    public static Shape Bool { get; } = new BoolShape();

    public static Shape Str(int min, int max, string pattern) => new StringShape(min, max, new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant));

    public static Shape WholeNumber(long min, long max) => new IntShape(min, max);

    public static Shape Enum(params string[] values) => new EnumShape(values);

    public static Shape List(Shape item, int min, int max) => new ListShape(item, min, max);

    public static Shape Map(Shape key, Shape value, int max) => new MapShape(key, value, max);

    public static Shape Struct(string[] required, Dictionary<string, Shape> members) => new StructShape(required, members);

    public abstract void Check(JsonElement value, string path, List<string> problems);

    private sealed class BoolShape : Shape
    {
        public override void Check(JsonElement value, string path, List<string> problems)
        {
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add($"{path}: expected a boolean, got {value.ValueKind}");
            }
        }
    }

    private sealed class StringShape(int min, int max, Regex pattern) : Shape
    {
        public override void Check(JsonElement value, string path, List<string> problems)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{path}: expected a string, got {value.ValueKind}");
                return;
            }

            var text = value.GetString()!;
            if (text.Length < min || text.Length > max)
            {
                problems.Add($"{path}: length {text.Length} outside {min}-{max}");
            }

            if (!pattern.IsMatch(text))
            {
                problems.Add($"{path}: '{text}' does not match {pattern}");
            }
        }
    }

    private sealed class IntShape(long min, long max) : Shape
    {
        public override void Check(JsonElement value, string path, List<string> problems)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            {
                problems.Add($"{path}: expected an integer, got {value.ValueKind} {value.GetRawText()}");
                return;
            }

            if (number < min || number > max)
            {
                problems.Add($"{path}: {number} outside {min}-{max}");
            }
        }
    }

    private sealed class EnumShape(string[] values) : Shape
    {
        public override void Check(JsonElement value, string path, List<string> problems)
        {
            if (value.ValueKind != JsonValueKind.String || !values.Contains(value.GetString(), StringComparer.Ordinal))
            {
                problems.Add($"{path}: {value.GetRawText()} is not one of {string.Join(", ", values)}");
            }
        }
    }

    private sealed class ListShape(Shape item, int min, int max) : Shape
    {
        public override void Check(JsonElement value, string path, List<string> problems)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{path}: expected a list, got {value.ValueKind}");
                return;
            }

            var count = value.GetArrayLength();
            if (count < min || count > max)
            {
                problems.Add($"{path}: {count} items outside {min}-{max}");
            }

            var i = 0;
            foreach (var element in value.EnumerateArray())
            {
                item.Check(element, $"{path}[{i++}]", problems);
            }
        }
    }

    private sealed class MapShape(Shape key, Shape value, int max) : Shape
    {
        public override void Check(JsonElement element, string path, List<string> problems)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}: expected a map, got {element.ValueKind}");
                return;
            }

            var entries = element.EnumerateObject().ToList();
            if (entries.Count > max)
            {
                problems.Add($"{path}: {entries.Count} entries, at most {max}");
            }

            foreach (var entry in entries)
            {
                using var name = JsonDocument.Parse(JsonSerializer.Serialize(entry.Name));
                key.Check(name.RootElement, $"{path} key", problems);
                value.Check(entry.Value, $"{path}.{entry.Name}", problems);
            }
        }
    }

    private sealed class StructShape(string[] required, Dictionary<string, Shape> members) : Shape
    {
        public override void Check(JsonElement value, string path, List<string> problems)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}: expected an object, got {value.ValueKind}");
                return;
            }

            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in value.EnumerateObject())
            {
                present.Add(member.Name);
                if (!members.TryGetValue(member.Name, out var shape))
                {
                    problems.Add($"{path}: unknown member {member.Name}");
                }
                else if (member.Value.ValueKind == JsonValueKind.Null)
                {
                    // Clients of the JSON protocol leave unset members out; a null is not a value of any shape.
                    problems.Add($"{path}.{member.Name}: null");
                }
                else
                {
                    shape.Check(member.Value, $"{path}.{member.Name}", problems);
                }
            }

            problems.AddRange(required.Where(r => !present.Contains(r)).Select(r => $"{path}: missing required {r}"));
        }
    }
}
