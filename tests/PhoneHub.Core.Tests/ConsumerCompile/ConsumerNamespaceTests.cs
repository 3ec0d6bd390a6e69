// This file deliberately lives outside the PhoneHub namespace, the way a consumer's code does. Inside PhoneHub.*,
// a facade class named after the namespace would resolve; out here C# resolves the first identifier to the namespace.
// That this file compiles is the test: the facade is reachable as Phone.*.
using PhoneHub;

namespace Contoso.Billing.Notifications;

public class ConsumerNamespaceTests
{
    [Test]
    public void Facade_IsCallableFromAConsumerNamespace()
    {
        Assert.That(Phone.Normalize("(415) 555-1234"), Is.EqualTo("+14155551234"));
        Assert.That(PhoneHub.Phone.Normalize("+44 20 7946 0958"), Is.EqualTo("+442079460958"));
    }
}
