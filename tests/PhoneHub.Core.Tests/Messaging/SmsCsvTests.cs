using PhoneHub.Messaging;

namespace PhoneHub.Tests.Messaging;

public class SmsCsvTests
{
    private static IReadOnlyList<SmsBulkRow> Read(string text, int maxRows = int.MaxValue) => SmsCsv.Read(new StringReader(text), maxRows);

    [Test]
    public void Read_Rfc4180Quoting_KeepsCommasQuotesAndLineBreaksInFields()
    {
        var rows = Read("to,body\r\n+14155550100,\"Hello, world\"\r\n+14155550101,\"She said \"\"hi\"\"\"\r\n+14155550102,\"two\nlines\"\r\n");

        Assert.That(rows.Select(r => r.Request!.Body), Is.EqualTo(new[] { "Hello, world", "She said \"hi\"", "two\nlines" }));
        Assert.That(rows.Select(r => r.Request!.To), Is.EqualTo(new[] { "+14155550100", "+14155550101", "+14155550102" }));
    }

    [Test]
    public void Read_ColumnsInAnyOrderAndCase_WithSendAtAndFrom()
    {
        var rows = Read("Body,SEND_AT,to,from\nhi,2026-03-01T09:30:00-08:00,+14155550100,Acme\nyo,,+14155550101,\n");

        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Request!.SendAt, Is.EqualTo(new DateTimeOffset(2026, 3, 1, 17, 30, 0, TimeSpan.Zero)));
            Assert.That(rows[0].Request!.From, Is.EqualTo("Acme"));
            Assert.That(rows[1].Request!.SendAt, Is.Null, "an empty send_at means now");
            Assert.That(rows[1].Request!.From, Is.Null);
        });
    }

    [TestCase("2026-03-01 09:30:00", TestName = "Read_SendAtWithoutOffset_IsARowError")]
    [TestCase("tomorrow", TestName = "Read_SendAtNotATime_IsARowError")]
    [TestCase("2026-02-30T09:30:00Z", TestName = "Read_SendAtImpossibleDate_IsARowError")]
    public void Read_BadSendAt_IsARowErrorAndTheOtherRowsStay(string sendAt)
    {
        var rows = Read($"to,body,send_at\n+14155550100,a,{sendAt}\n+14155550101,b,2026-03-01T09:30:00Z\n");

        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Errors!.Keys, Is.EqualTo(new[] { "send_at" }));
            Assert.That(rows[1].Request, Is.Not.Null);
        });
    }

    [Test]
    public void Read_WrongFieldCount_IsARowError()
    {
        var rows = Read("to,body\n+14155550100\n+14155550101,b,extra\n+14155550102,c\n");

        Assert.Multiple(() =>
        {
            Assert.That(rows[0].Errors!.Keys, Is.EqualTo(new[] { "row" }));
            Assert.That(rows[1].Errors!.Keys, Is.EqualTo(new[] { "row" }));
            Assert.That(rows[2].Request!.Body, Is.EqualTo("c"));
        });
    }

    [TestCase("", TestName = "Read_Empty_IsRefused")]
    [TestCase("number,text\n+1,x\n", TestName = "Read_UnknownColumns_AreRefused")]
    [TestCase("to,send_at\n+1,\n", TestName = "Read_NoBodyColumn_IsRefused")]
    [TestCase("to,body\n+14155550100,\"never closed\n", TestName = "Read_UnclosedQuote_IsRefused")]
    public void Read_NotThisShapeOfCsv_ThrowsSmsCsvException(string text) =>
        Assert.Throws<SmsCsvException>(() => Read(text));

    [Test]
    public void Read_MoreRowsThanAllowed_IsRefused()
    {
        var ex = Assert.Throws<SmsCsvException>(() => Read("to,body\n+1,a\n+1,b\n+1,c\n", maxRows: 2));
        Assert.That(ex!.Message, Does.Contain("2"));
    }

    [TestCase("2026-03-01T09:30:00Z", true)]
    [TestCase("2026-03-01t09:30:00.123456z", true)]
    [TestCase("2026-03-01 09:30:00+05:30", true)]
    [TestCase("2026-03-01T09:30:00", false)]
    [TestCase("2026-03-01", false)]
    [TestCase("2026-03-01T09:30Z", false)]
    [TestCase("2026-13-01T09:30:00Z", false)]
    [TestCase("", false)]
    public void Rfc3339_TryParse_AcceptsOnlyTimesWithAnOffset(string text, bool valid) =>
        Assert.That(Rfc3339.TryParse(text, out _), Is.EqualTo(valid));
}
