using Microsoft.Extensions.DependencyInjection;
using PhoneHub.Configuration;
using PhoneHub.Messaging;
using PhoneHub.Tests.Infrastructure;

namespace PhoneHub.Tests.Registration;

[NonParallelizable]
public class PhoneFacadeTests
{
    [SetUp]
    [TearDown]
    public void ResetFacade() => Phone.Reset();

    [Test]
    public void PureOperations_WorkWithoutSetup()
    {
        Assert.That(Phone.IsBound, Is.False);
        Assert.That(Phone.Normalize("(415) 555-1234"), Is.EqualTo("+14155551234"));
        Assert.That(Phone.TryNormalize("020 7946 0958", out _), Is.False);
        Assert.That(Phone.Parse("020 7946 0958", "gb").RegionCode, Is.EqualTo("GB"));
    }

    [Test]
    public void IoBeforeBinding_ThrowsAndSaysHowToBind()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => Phone.SendSmsAsync("+14155551234", "hi"))!;
        Assert.That(ex.Message, Does.Contain("UsePhoneHub").And.Contain("AddPhoneHub"));
        Assert.Throws<InvalidOperationException>(() => Phone.Lookup("+14155551234"));
    }

    [Test]
    public async Task AfterUsePhoneHub_DelegatesToContainer_AndResetUnbinds()
    {
        using var host = PhoneHubTestHost.Create();
        await host.Hub.Configs.CreateAsync(new PhoneConfig { Name = "t", TestMode = true, IsActive = true });
        host.Services.UsePhoneHub();

        var message = await Phone.SendSmsAsync("+14155551234", "hi", group: "acme", user: "ada");
        Assert.That(message.Status, Is.EqualTo(SmsStatus.Sent));
        Assert.That(message.Group, Is.EqualTo("acme"));
        Assert.That(message.User, Is.EqualTo("ada"));
        Assert.That(Phone.SendSms("+14155551234", "blocking").Id, Is.GreaterThan(message.Id));
        Assert.That(Phone.Lookup("+14155551234").E164, Is.EqualTo("+14155551234"));
        var inbound = await Phone.HandleIncomingSmsAsync(new IncomingSms { Provider = "test", ProviderMessageId = "IN1", From = "+14155551234", To = "+14155550100", Body = "yo" });
        Assert.That(inbound.Created, Is.True);

        Phone.Reset();
        Assert.That(Phone.IsBound, Is.False);
        Assert.ThrowsAsync<InvalidOperationException>(() => Phone.LookupAsync("+14155551234"));
    }
}
