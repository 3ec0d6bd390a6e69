using PhoneHub.Stores.PostgreSql;

namespace PhoneHub.PostgreSql.Tests;

/// <summary>The schema name is the one thing formatted into SQL, so only plain identifiers pass.</summary>
public class PostgreSqlIdentifierTests
{
    [TestCase("phonehub")]
    [TestCase("PhoneHub_2")]
    [TestCase("_tenant")]
    [TestCase("a23456789012345678901234567890123456789012345678901234567890123")]
    public void IsValid_PlainIdentifier_IsAcceptedAndQuoted(string name)
    {
        Assert.That(PostgreSqlIdentifier.IsValid(name), Is.True);
        Assert.That(PostgreSqlIdentifier.Quote(name), Is.EqualTo("\"" + name + "\""));
    }

    [TestCase("")]
    [TestCase(" phonehub")]
    [TestCase("phonehub\n")]
    [TestCase("1phonehub")]
    [TestCase("phone-hub")]
    [TestCase("phone hub")]
    [TestCase("phonehub\"; DROP TABLE x; --")]
    [TestCase("public.phonehub")]
    [TestCase("pg_phonehub")]
    [TestCase("PG_catalog")]
    [TestCase("schéma")]
    [TestCase("a234567890123456789012345678901234567890123456789012345678901234")]
    public void IsValid_AnythingElse_IsRefused(string name)
    {
        Assert.That(PostgreSqlIdentifier.IsValid(name), Is.False);
        Assert.Throws<ArgumentException>(() => PostgreSqlIdentifier.Quote(name));
    }

    [Test]
    public void IsValid_Null_IsRefused() => Assert.That(PostgreSqlIdentifier.IsValid(null), Is.False);
}
