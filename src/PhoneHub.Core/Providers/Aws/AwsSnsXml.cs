using System.Xml;
using System.Xml.Linq;

namespace PhoneHub.Providers.Aws;

/// <summary>Reads SNS Query API answers (<c>PublishResponse</c>, <c>ErrorResponse</c>) by local element names, so the namespace version does not matter.</summary>
internal static class AwsSnsXml
{
    /// <summary>The <c>PublishResponse/PublishResult/MessageId</c>, or <see langword="null"/> when the body is not one.</summary>
    public static string? PublishMessageId(string body)
    {
        var root = TryParse(body);
        if (root?.Name.LocalName != "PublishResponse")
        {
            return null;
        }

        var id = Child(Child(root, "PublishResult"), "MessageId")?.Value.Trim();
        return string.IsNullOrEmpty(id) ? null : id;
    }

    /// <summary>The <c>ErrorResponse/Error</c> code and message, when the body is one.</summary>
    public static (string? Code, string? Message) Error(string body)
    {
        var root = TryParse(body);
        var error = root?.Name.LocalName == "ErrorResponse" ? Child(root, "Error")
            : root?.Name.LocalName == "Error" ? root
            : null;
        var code = Child(error, "Code")?.Value.Trim();
        var message = Child(error, "Message")?.Value.Trim();
        return (string.IsNullOrEmpty(code) ? null : code, string.IsNullOrEmpty(message) ? null : message);
    }

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static XElement? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            // The default reader settings refuse DTDs, so a hostile endpoint cannot expand entities.
            using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XElement.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
