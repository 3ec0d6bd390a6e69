using PhoneHub.Providers.AwsSms;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>
/// Reading JSON 1.0 error answers: the error type may come from the <c>X-Amzn-ErrorType</c> header, a <c>code</c> or a
/// <c>__type</c> member, with or without a namespace and a URI suffix (the variants of the protocol's published
/// response tests), and the text from <c>message</c> or <c>Message</c>.
/// </summary>
public sealed class AwsSmsErrorTests
{
    [TestCase(null, """{"__type":"FooError"}""")]
    [TestCase(null, """{"__type":"aws.protocoltests.json10#FooError"}""")]
    [TestCase(null, """{"__type":"aws.protocoltests.json10#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}""")]
    [TestCase(null, """{"code":"FooError"}""")]
    [TestCase(null, """{"code":"aws.protocoltests.json10#FooError"}""")]
    [TestCase(null, """{"code":"aws.protocoltests.json10#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}""")]
    [TestCase("FooError", "")]
    [TestCase("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "")]
    [TestCase("aws.protocoltests.json10#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", """{"__type":"Other"}""")]
    public void Parse_ErrorTypeVariant_YieldsTheBareShapeName(string? header, string body)
    {
        Assert.That(AwsSmsError.Parse(500, header, body).Type, Is.EqualTo("FooError"));
    }

    [Test]
    public void Parse_ServiceErrorShape_ReadsItsMembers()
    {
        var error = AwsSmsError.Parse(400, null,
            """{"__type":"com.amazonaws.pinpointsmsvoicev2#ConflictException","Message":"The destination phone number is opted out.","Reason":"DESTINATION_PHONE_NUMBER_OPTED_OUT","ResourceType":"opted-out-number","ResourceId":"+14155552671"}""");

        Assert.Multiple(() =>
        {
            Assert.That(error.Type, Is.EqualTo("ConflictException"));
            Assert.That(error.Message, Is.EqualTo("The destination phone number is opted out."));
            Assert.That(error.Reason, Is.EqualTo("DESTINATION_PHONE_NUMBER_OPTED_OUT"));
            Assert.That(error.ResourceType, Is.EqualTo("opted-out-number"));
            Assert.That(error.ResourceId, Is.EqualTo("+14155552671"));
            Assert.That(error.Describe(), Is.EqualTo("ConflictException (DESTINATION_PHONE_NUMBER_OPTED_OUT)"));
        });
    }

    [TestCase("<html>Bad gateway</html>")]
    [TestCase("")]
    [TestCase("[1,2]")]
    public void Parse_NotAnErrorDocument_KeepsTheStatusOnly(string body)
    {
        var error = AwsSmsError.Parse(502, null, body);

        Assert.Multiple(() =>
        {
            Assert.That(error.Type, Is.Null);
            Assert.That(error.Message, Is.Null);
            Assert.That(error.Describe(), Is.EqualTo("HTTP 502"));
        });
    }

    [TestCase(400, "ThrottlingException", true)]
    [TestCase(429, null, true)]
    [TestCase(400, "ValidationException", false)]
    public void IsThrottling_Answer_TellsThrottlingApart(int status, string? type, bool expected)
    {
        var body = type is null ? "" : $$"""{"__type":"{{type}}"}""";
        Assert.That(AwsSmsError.Parse(status, null, body).IsThrottling, Is.EqualTo(expected));
    }
}
