using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using NSubstitute;

namespace PhoneHub.Tests.Providers.Aws;

/// <summary>Connection tests of <c>aws</c> configs: a signed <c>GetSMSAttributes</c> call and its stable error codes.</summary>
public sealed class AwsSnsConnectionTestTests
{
    [Test]
    public async Task TestConnectionAsync_CredentialsAccepted_SucceedsWithSignedGetSmsAttributes()
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => LoopbackResponse.SmsAttributes();

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.That(result!.Success, Is.True, result.Message);
        var request = t.Sns.Requests.Single();
        var form = AwsSnsTestContext.Form(request);
        Assert.Multiple(() =>
        {
            Assert.That(form["Action"], Is.EqualTo("GetSMSAttributes"));
            Assert.That(form["Version"], Is.EqualTo("2010-03-31"));
            Assert.That(form, Does.Not.ContainKey("PhoneNumber"));
        });
        AwsSnsTestContext.AssertSignedFor(request, AwsSnsTestContext.AccessKeyId, AwsSnsTestContext.SecretAccessKey, null, Infrastructure.PhoneHubTestHost.Start);
    }

    [TestCase("InvalidClientTokenId", 403)]
    [TestCase("SignatureDoesNotMatch", 403)]
    [TestCase("AuthorizationError", 403)]
    [TestCase(null, 403)]
    public async Task TestConnectionAsync_CredentialsRefused_ReportsInvalidCredentials(string? code, int status)
    {
        using var t = await AwsSnsTestContext.CreateAsync();
        t.Sns.Respond = (_, _) => code is null ? new LoopbackResponse(status, "") : LoopbackResponse.Error(status, code);

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(ConnectionErrorCodes.InvalidCredentials));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(1), "refused credentials are not retried");
        });
    }

    [Test]
    public async Task TestConnectionAsync_ThrottledEveryTime_RetriesThenReportsThrottled()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.ConnectionTestMaxRetries = 2);
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(400, "Throttling", "Rate exceeded");

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Throttled));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(3), "the first try and two retries");
        });
    }

    [Test]
    public async Task TestConnectionAsync_ThrottledThenServerErrorThenOk_Succeeds()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.ConnectionTestMaxRetries = 3);
        t.Sns.Respond = (_, n) => n switch
        {
            1 => LoopbackResponse.Error(400, "Throttling", "Rate exceeded"),
            2 => LoopbackResponse.Error(503, "ServiceUnavailable", "Try later"),
            _ => LoopbackResponse.SmsAttributes(),
        };

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.Success, Is.True, result.Message);
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task TestConnectionAsync_ServerErrorEveryTime_ReportsProviderError()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.ConnectionTestMaxRetries = 1);
        t.Sns.Respond = (_, _) => LoopbackResponse.Error(500, "InternalError", "Oops");

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.ProviderError));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task TestConnectionAsync_ConnectionDropped_RetriesThenReportsUnreachable()
    {
        using var t = await AwsSnsTestContext.CreateAsync(options: o => o.ConnectionTestMaxRetries = 2);
        t.Sns.Respond = (_, _) => LoopbackResponse.Dropped();

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Unreachable));
            Assert.That(t.Sns.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task TestConnectionAsync_NoCredentialsAnywhere_ReportsMissingCredentials()
    {
        using var t = await AwsSnsTestContext.CreateAsync(storeCredentials: false);

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.MissingCredentials));
            Assert.That(t.Sns.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task TestConnectionAsync_DefaultChainCredentials_SignsWithThem()
    {
        using var t = await AwsSnsTestContext.CreateAsync(storeCredentials: false);
        t.Sns.Respond = (_, _) => LoopbackResponse.SmsAttributes();
        t.Ambient.GetAsync(Arg.Any<CancellationToken>())
            .Returns(Task.FromResult<AwsCredentials?>(new AwsCredentials("AKIDAMBIENT", "ambient-secret") { Source = "default-chain" }));

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.That(result!.Success, Is.True, result.Message);
        AwsSnsTestContext.AssertSignedFor(t.Sns.Requests.Single(), "AKIDAMBIENT", "ambient-secret", null, Infrastructure.PhoneHubTestHost.Start);
    }
}
