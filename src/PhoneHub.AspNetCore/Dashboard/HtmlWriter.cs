using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// Builds one HTML page. Every value goes through <see cref="Text"/> or <see cref="Attr"/> (HTML-encoded); only the
/// page's own markup goes through <see cref="Raw"/>, so data from messages, configs or query strings cannot inject markup.
/// </summary>
internal sealed class HtmlWriter
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder _html = new(8 * 1024);

    /// <summary>Appends markup written by the dashboard itself (never data).</summary>
    public HtmlWriter Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary>Appends text, encoded.</summary>
    public HtmlWriter Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            Encoder.Encode(new StringWriter(_html, CultureInfo.InvariantCulture), text);
        }

        return this;
    }

    /// <summary>Appends <c> name="value"</c>, the value encoded.</summary>
    public HtmlWriter Attr(string name, string? value)
    {
        _html.Append(' ').Append(name).Append("=\"");
        Text(value);
        _html.Append('"');
        return this;
    }

    /// <summary>Appends a boolean attribute when <paramref name="on"/>.</summary>
    public HtmlWriter Flag(string name, bool on)
    {
        if (on)
        {
            _html.Append(' ').Append(name);
        }

        return this;
    }

    /// <summary>Appends <c>&lt;tag&gt;text&lt;/tag&gt;</c>.</summary>
    public HtmlWriter Element(string tag, string? text, string? cssClass = null)
    {
        _html.Append('<').Append(tag);
        if (cssClass is not null)
        {
            Attr("class", cssClass);
        }

        _html.Append('>');
        Text(text);
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Appends a link.</summary>
    public HtmlWriter Link(string href, string text, string? cssClass = null)
    {
        _html.Append("<a");
        Attr("href", href);
        if (cssClass is not null)
        {
            Attr("class", cssClass);
        }

        _html.Append('>');
        Text(text);
        _html.Append("</a>");
        return this;
    }

    /// <summary>Appends a row of a definition list (<c>&lt;dt&gt;</c> and <c>&lt;dd&gt;</c>); an empty value shows a dash.</summary>
    public HtmlWriter Term(string term, string? value)
    {
        Element("dt", term);
        Element("dd", string.IsNullOrEmpty(value) ? "—" : value);
        return this;
    }

    /// <summary>Appends a hidden input.</summary>
    public HtmlWriter Hidden(string name, string? value)
    {
        _html.Append("<input type=\"hidden\"");
        Attr("name", name);
        Attr("value", value);
        _html.Append('>');
        return this;
    }

    public override string ToString() => _html.ToString();
}
