using PhoneHub.Providers;
using PhoneHub.Providers.AwsSms;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>Opt-out list calls: <c>PutOptedOutNumber</c> and paged <c>DescribeOptedOutNumbers</c>.</summary>
public sealed class AwsSmsOptOutTests
{
    [Test]
    public async Task OptOutAsync_Number_PutsItOnTheConfiguredListAndReadsTheAnswer()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.OptOutListName = "phonehub-optouts");
        t.Aws.Respond = (_, _) => AwsSmsResponse.Json(
            """{"OptOutListArn":"arn:aws:sms-voice:eu-west-1:111122223333:opt-out-list/phonehub-optouts","OptOutListName":"phonehub-optouts","OptedOutNumber":"+14155552671","OptedOutTimestamp":1686975103.47,"EndUserOptedOut":false}""");

        var result = await t.Provider.OptOutAsync("+14155552671", await t.ProviderContextAsync());

        var request = t.Aws.Requests.Single();
        var body = LoopbackAwsSms.Body(request);
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("X-Amz-Target"), Is.EqualTo("PinpointSMSVoiceV2.PutOptedOutNumber"));
            Assert.That(body.GetProperty("OptOutListName").GetString(), Is.EqualTo("phonehub-optouts"));
            Assert.That(body.GetProperty("OptedOutNumber").GetString(), Is.EqualTo("+14155552671"));
            Assert.That(result.OptedOutNumber, Is.EqualTo("+14155552671"));
            Assert.That(result.OptedOutTimestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1686975103470)));
            Assert.That(result.EndUserOptedOut, Is.False);
        });
    }

    [Test]
    public async Task OptOutAsync_ThrottledOnce_IsRetriedBecauseRepeatingIsHarmless()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, n) => n == 1
            ? AwsSmsResponse.Error(400, "ThrottlingException", "Rate exceeded")
            : AwsSmsResponse.Json("""{"OptedOutNumber":"+14155552671","EndUserOptedOut":false}""");

        var result = await t.Provider.OptOutAsync("+14155552671", await t.ProviderContextAsync());

        Assert.Multiple(() =>
        {
            Assert.That(result.OptedOutNumber, Is.EqualTo("+14155552671"));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task OptOutAsync_UnknownList_FailsAsResourceNotFound()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(400, "ResourceNotFoundException", "No such list", extra: "\"ResourceType\":\"opt-out-list\",\"ResourceId\":\"Default\"");

        var ex = Assert.ThrowsAsync<SmsProviderException>(async () => await t.Provider.OptOutAsync("+14155552671", await t.ProviderContextAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.ResourceNotFound));
            Assert.That(ex.OutcomeUnknown, Is.False);
        });
    }

    [Test]
    public async Task ListOptedOutNumbersAsync_ThreePages_FollowsNextTokenToTheEnd()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (request, _) => LoopbackAwsSms.Body(request).TryGetProperty("NextToken", out var token) ? token.GetString() switch
        {
            "page-2" => AwsSmsResponse.Json("""{"OptOutListName":"Default","OptedOutNumbers":[{"OptedOutNumber":"+14155550002","OptedOutTimestamp":1700000001,"EndUserOptedOut":false}],"NextToken":"page-3"}"""),
            _ => AwsSmsResponse.Json("""{"OptOutListName":"Default","OptedOutNumbers":[]}"""),
        }
        : AwsSmsResponse.Json("""{"OptOutListName":"Default","OptedOutNumbers":[{"OptedOutNumber":"+14155550001","OptedOutTimestamp":1700000000,"EndUserOptedOut":true}],"NextToken":"page-2"}""");

        var numbers = new List<string?>();
        await foreach (var entry in t.Provider.ListOptedOutNumbersAsync(await t.ProviderContextAsync()))
        {
            numbers.Add(entry.OptedOutNumber);
        }

        var requests = t.Aws.Requests.Select(LoopbackAwsSms.Body).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(numbers, Is.EqualTo(new[] { "+14155550001", "+14155550002" }));
            Assert.That(requests, Has.Count.EqualTo(3));
            Assert.That(requests.Select(r => r.TryGetProperty("NextToken", out var token) ? token.GetString() : null), Is.EqualTo(new[] { null, "page-2", "page-3" }));
            Assert.That(requests.Select(r => r.GetProperty("OptOutListName").GetString()), Is.All.EqualTo("Default"));
        });
    }

    [Test]
    public async Task ListOptedOutNumbersAsync_TokenRepeats_StopsInsteadOfLooping()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Json("""{"OptedOutNumbers":[{"OptedOutNumber":"+14155550001","OptedOutTimestamp":1700000000,"EndUserOptedOut":true}],"NextToken":"same"}""");

        var seen = 0;
        var ex = Assert.ThrowsAsync<SmsProviderException>(async () =>
        {
            await foreach (var entry in t.Provider.ListOptedOutNumbersAsync(await t.ProviderContextAsync()))
            {
                seen++;
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo(AwsSmsErrorCodes.ProviderError));
            Assert.That(seen, Is.EqualTo(2));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(2));
        });
    }
}
