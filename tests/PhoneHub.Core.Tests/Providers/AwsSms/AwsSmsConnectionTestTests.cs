using NSubstitute;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Providers.Aws;
using PhoneHub.Providers.AwsSms;

namespace PhoneHub.Tests.Providers.AwsSms;

/// <summary>Connection tests of <c>aws-sms</c> configs: a signed <c>DescribeAccountAttributes</c> and its stable error codes.</summary>
public sealed class AwsSmsConnectionTestTests
{
    [Test]
    public async Task TestConnectionAsync_CredentialsAccepted_SucceedsWithAccountTier()
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.AccountAttributes("SANDBOX");

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        var request = t.Aws.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result!.Success, Is.True, result.Message);
            Assert.That(result.AccountStatus, Is.EqualTo("sandbox"));
            Assert.That(request.Header("X-Amz-Target"), Is.EqualTo("PinpointSMSVoiceV2.DescribeAccountAttributes"));
            Assert.That(System.Text.Encoding.UTF8.GetString(request.Body), Is.EqualTo("{}"), "an empty input is an empty object");
        });
    }

    [TestCase(400, "UnrecognizedClientException", null, ConnectionErrorCodes.InvalidCredentials)]
    [TestCase(400, "InvalidSignatureException", null, ConnectionErrorCodes.InvalidCredentials)]
    [TestCase(400, "ExpiredTokenException", null, ConnectionErrorCodes.InvalidCredentials)]
    [TestCase(400, "AccessDeniedException", null, ConnectionErrorCodes.InvalidCredentials)]
    [TestCase(400, "AccessDeniedException", "ACCOUNT_DISABLED", ConnectionErrorCodes.AccountInactive)]
    [TestCase(400, "AccessDeniedException", "INSUFFICIENT_ACCOUNT_REPUTATION", ConnectionErrorCodes.AccountInactive)]
    [TestCase(400, "ValidationException", "INVALID_PARAMETER", ConnectionErrorCodes.ProviderError)]
    public async Task TestConnectionAsync_Refused_ReportsStableCodeWithoutRetry(int status, string type, string? reason, string expected)
    {
        using var t = await AwsSmsTestContext.CreateAsync();
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(status, type, "refused", reason);

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.Success, Is.False);
            Assert.That(result.ErrorCode, Is.EqualTo(expected));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(1), "a refusal is not retried");
        });
    }

    [Test]
    public async Task TestConnectionAsync_ThrottledEveryTime_RetriesThenReportsThrottled()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.MaxRetries = 2);
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(400, "ThrottlingException", "Rate exceeded");

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Throttled));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(3), "the first try and two retries");
        });
    }

    [Test]
    public async Task TestConnectionAsync_ThrottledThenServerErrorThenOk_Succeeds()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.MaxRetries = 3);
        t.Aws.Respond = (_, n) => n switch
        {
            1 => AwsSmsResponse.Error(400, "ThrottlingException", "Rate exceeded"),
            2 => AwsSmsResponse.Error(500, "InternalServerException", "Try later"),
            _ => AwsSmsResponse.AccountAttributes(),
        };

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.Success, Is.True, result.Message);
            Assert.That(result.AccountStatus, Is.EqualTo("production"));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task TestConnectionAsync_ServerErrorEveryTime_ReportsProviderError()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.MaxRetries = 1);
        t.Aws.Respond = (_, _) => AwsSmsResponse.Error(500, "InternalServerException", "Oops");

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.ProviderError));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task TestConnectionAsync_ConnectionDropped_RetriesThenReportsUnreachable()
    {
        using var t = await AwsSmsTestContext.CreateAsync(options: o => o.MaxRetries = 2);
        t.Aws.Respond = (_, _) => AwsSmsResponse.Dropped();

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.Unreachable));
            Assert.That(t.Aws.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task TestConnectionAsync_NoCredentialsAnywhere_ReportsMissingCredentials()
    {
        using var t = await AwsSmsTestContext.CreateAsync(storeCredentials: false);

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.MissingCredentials));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task TestConnectionAsync_DefaultChainCredentials_SignsWithThem()
    {
        using var t = await AwsSmsTestContext.CreateAsync(storeCredentials: false);
        var ambient = new AwsCredentials("AKIDAMBIENT", "ambient-secret") { Source = "default-chain" };
        t.Ambient.GetAsync(Arg.Any<CancellationToken>()).Returns(Task.FromResult<AwsCredentials?>(ambient));
        t.Aws.Credentials = ambient;
        t.Aws.Respond = (_, _) => AwsSmsResponse.AccountAttributes();

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.That(result!.Success, Is.True, result.Message);
    }

    [Test]
    public async Task TestConnectionAsync_ConfigWithoutRegion_ReportsInvalidConfig()
    {
        using var t = await AwsSmsTestContext.CreateAsync(config: c => c.With((AwsSmsDefinition.Region, null)) with { IsActive = false });

        var result = await t.Host.Get<IPhoneConfigService>().TestConnectionAsync(t.Config.Id);

        Assert.Multiple(() =>
        {
            Assert.That(result!.ErrorCode, Is.EqualTo(ConnectionErrorCodes.InvalidConfig));
            Assert.That(t.Aws.Requests, Is.Empty);
        });
    }
}
