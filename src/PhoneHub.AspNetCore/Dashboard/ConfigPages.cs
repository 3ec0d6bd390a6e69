using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using PhoneHub.AspNetCore.Authorization;
using PhoneHub.Configuration;
using PhoneHub.Providers;
using PhoneHub.Security;
using PhoneHub.Stores;

namespace PhoneHub.AspNetCore.Dashboard;

/// <summary>
/// Configs: list, create, edit, activate, test the connection, and set credentials. The rules are the REST routes': the
/// caller's group's configs, system defaults only with <c>manage_groups</c>, another group's config answers 404.
/// Credentials are write-only: their inputs are always empty and pages show only whether some are stored.
/// </summary>
internal static class ConfigPages
{
    private const string SettingPrefix = "setting.";
    private const string CredentialPrefix = "credential.";

    public static async Task<IResult> ListAsync(HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManagePhoneConfig))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManagePhoneConfig);
        }

        var items = new List<PhoneConfig>();
        if (request.Group is not null)
        {
            items.AddRange(await configs.ListAsync(new PhoneConfigQuery { Group = request.Group }, request.Aborted).ConfigureAwait(false));
        }

        if (request.Has(PhoneHubPermissions.ManageGroups))
        {
            items.AddRange(await configs.ListAsync(new PhoneConfigQuery { Group = null }, request.Aborted).ConfigureAwait(false));
        }

        return DashboardLayout.Page(request, "Configs", DashboardNavigation.Configs, html =>
        {
            html.Raw("<p class=\"actions\">").Link(request.Url("configs/new"), "New config", "button").Raw("</p>");
            if (items.Count == 0)
            {
                html.Element("p", "No config yet: create one to send messages.", "notice");
                return;
            }

            html.Raw("<div class=\"table-scroll\"><table class=\"configs\"><thead><tr><th class=\"num\">Id</th><th>Name</th><th>Owner</th><th>Provider</th><th>State</th>")
                .Raw("<th>Credentials</th><th>Identities</th></tr></thead><tbody>");
            foreach (var c in items.OrderBy(c => c.Id))
            {
                var id = DashboardFormat.Number(c.Id);
                html.Raw("<tr><td class=\"num\">").Text(id).Raw("</td><td>").Link(request.Url("configs/" + id), c.Name).Raw("</td>")
                    .Element("td", c.Group is null ? "system default" : "group " + c.Group)
                    .Element("td", c.Provider)
                    .Raw("<td class=\"nowrap\">").Element("span", c.IsActive ? "active" : "inactive", c.IsActive ? "status ok" : "status")
                    .Raw(c.TestMode ? " <span class=\"status queued\">test mode</span>" : "").Raw("</td>")
                    .Element("td", c.HasCredentials ? "stored" : "none")
                    .Element("td", string.Join(", ", c.Identities.Select(i => i.Value)))
                    .Raw("</tr>");
            }

            html.Raw("</tbody></table></div>");
        });
    }

    public static async Task<IResult> NewAsync(HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManagePhoneConfig))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManagePhoneConfig);
        }

        var draft = new PhoneConfig { Group = request.Group, Name = "", TestMode = true };
        return Edit(request, configs, draft, isNew: true);
    }

    public static async Task<IResult> CreateAsync(HttpContext http, [FromServices] IPhoneConfigService configs, [FromServices] ILoggerFactory loggers)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        if (!request.Has(PhoneHubPermissions.ManagePhoneConfig))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManagePhoneConfig);
        }

        var (form, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var group = form.Checked("system_default") || request.Group is null ? null : request.Group;
        if (group is null && !request.Has(PhoneHubPermissions.ManageGroups))
        {
            return DashboardAccess.Forbidden(request, PhoneHubPermissions.ManageGroups);
        }

        var draft = Apply(new PhoneConfig { Group = group, Name = "" }, form, configs, isNew: true);
        try
        {
            var created = await configs.CreateAsync(draft, request.Aborted).ConfigureAwait(false);
            var log = loggers.Dashboard();
            DashboardLog.ConfigChanged(log, created.Config.Id, "created", request.User, request.Group);
            return DashboardLayout.SeeOther(request.Url("configs/" + DashboardFormat.Number(created.Config.Id)) + "?saved=created");
        }
        catch (PhoneHubException ex)
        {
            return Edit(request, configs, draft, isNew: true, error: DashboardErrors.Describe(ex, loggers.Dashboard()), status: StatusCodes.Status400BadRequest);
        }
    }

    public static async Task<IResult> DetailAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        var (config, denied) = await LoadAsync(rawId, request, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var notice = http.Request.Query["saved"].ToString() switch
        {
            "created" => "Config created.",
            "updated" => "Config saved.",
            "activated" => "Config activated; the group's other active config, if any, was deactivated.",
            "credentials" => "Credentials stored (encrypted). They are never shown again.",
            _ => null,
        };
        return Edit(request, configs, config!, isNew: false, notice: notice);
    }

    public static async Task<IResult> UpdateAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs, [FromServices] ILoggerFactory loggers)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        var (config, denied) = await LoadAsync(rawId, request, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var (form, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var draft = Apply(config!, form, configs, isNew: false);
        try
        {
            if (await configs.UpdateAsync(draft, request.Aborted).ConfigureAwait(false) is null)
            {
                return DashboardAccess.NotFound(request, "config");
            }
        }
        catch (PhoneHubException ex)
        {
            return Edit(request, configs, draft, isNew: false, error: DashboardErrors.Describe(ex, loggers.Dashboard()), status: StatusCodes.Status400BadRequest);
        }

        var log = loggers.Dashboard();
        DashboardLog.ConfigChanged(log, config!.Id, "updated", request.User, request.Group);
        return DashboardLayout.SeeOther(request.Url("configs/" + DashboardFormat.Number(config.Id)) + "?saved=updated");
    }

    public static async Task<IResult> ActivateAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs, [FromServices] ILoggerFactory loggers)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        var (config, denied) = await LoadAsync(rawId, request, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var (_, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            if (await configs.ActivateAsync(config!.Id, request.Aborted).ConfigureAwait(false) is null)
            {
                return DashboardAccess.NotFound(request, "config");
            }
        }
        catch (PhoneHubException ex)
        {
            return Edit(request, configs, config!, isNew: false, error: DashboardErrors.Describe(ex, loggers.Dashboard()), status: StatusCodes.Status400BadRequest);
        }

        var log = loggers.Dashboard();
        DashboardLog.ConfigChanged(log, config.Id, "activated", request.User, request.Group);
        return DashboardLayout.SeeOther(request.Url("configs/" + DashboardFormat.Number(config.Id)) + "?saved=activated");
    }

    public static async Task<IResult> TestAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs)
    {
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        var (config, denied) = await LoadAsync(rawId, request, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var (_, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var result = await configs.TestConnectionAsync(config!.Id, request.Aborted).ConfigureAwait(false);
        return result is null ? DashboardAccess.NotFound(request, "config") : Edit(request, configs, config, isNew: false, test: result);
    }

    public static async Task<IResult> CredentialsAsync([FromRoute(Name = "id")] string rawId, HttpContext http, [FromServices] IPhoneConfigService configs, [FromServices] ILoggerFactory loggers)
    {
        // Access is checked before the form is read, so nobody learns anything about a config they cannot manage.
        var request = await DashboardRequest.GetAsync(http).ConfigureAwait(false);
        var (config, denied) = await LoadAsync(rawId, request, configs).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var (form, refused) = await DashboardForms.ReadAsync(request).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var values = form.Keys
            .Where(k => k.StartsWith(CredentialPrefix, StringComparison.Ordinal))
            .Select(k => new KeyValuePair<string, string?>(k[CredentialPrefix.Length..], form[k].ToString().Trim()))
            .ToList();
        var credentials = new ProviderCredentials(values);
        if (credentials.IsEmpty)
        {
            return Edit(request, configs, config!, isNew: false,
                error: ("Enter the credentials to store.", new Dictionary<string, string[]>()), status: StatusCodes.Status400BadRequest);
        }

        try
        {
            if (!await configs.SetCredentialsAsync(config!.Id, credentials, request.Aborted).ConfigureAwait(false))
            {
                return DashboardAccess.NotFound(request, "config");
            }
        }
        catch (PhoneHubException ex)
        {
            // The values typed are not echoed back: the form is rendered empty again.
            return Edit(request, configs, config!, isNew: false, error: DashboardErrors.Describe(ex, loggers.Dashboard()), status: StatusCodes.Status400BadRequest);
        }

        var log = loggers.Dashboard();
        DashboardLog.CredentialsReplaced(log, config.Id, request.User);
        return DashboardLayout.SeeOther(request.Url("configs/" + DashboardFormat.Number(config.Id)) + "?saved=credentials");
    }

    /// <summary>A config the caller may manage, or the page to answer instead.</summary>
    private static async Task<(PhoneConfig? Config, IResult? Denied)> LoadAsync(string rawId, DashboardRequest request, IPhoneConfigService configs)
    {
        if (!request.Has(PhoneHubPermissions.ManagePhoneConfig))
        {
            return (null, DashboardAccess.Forbidden(request, PhoneHubPermissions.ManagePhoneConfig));
        }

        if (!long.TryParse(rawId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return (null, DashboardAccess.NotFound(request, "config"));
        }

        var config = await configs.GetAsync(id, request.Aborted).ConfigureAwait(false);
        if (config is null || (config.Group is not null && !request.Owns(config.Group)))
        {
            return (null, DashboardAccess.NotFound(request, "config"));
        }

        return config.Group is null && !request.Has(PhoneHubPermissions.ManageGroups)
            ? (null, DashboardAccess.Forbidden(request, PhoneHubPermissions.ManageGroups))
            : (config, null);
    }

    /// <summary>The form's values over <paramref name="config"/>: the chosen provider's settings replace the stored ones.</summary>
    private static PhoneConfig Apply(PhoneConfig config, IFormCollection form, IPhoneConfigService configs, bool isNew)
    {
        var provider = form.Value("provider") ?? config.Provider;
        var definition = configs.Providers.FirstOrDefault(p => p.Name == provider);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (definition is not null)
        {
            foreach (var setting in definition.Settings)
            {
                if (form.Value(SettingPrefix + provider + "." + setting.Name) is { } value)
                {
                    settings[setting.Name] = value;
                }
            }
        }

        var days = int.TryParse(form.Value("lookup_cache_days"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : config.LookupCacheDays;
        return config with
        {
            Name = form.Value("name") ?? "",
            Provider = provider,
            Settings = settings,
            IsActive = isNew ? form.Checked("is_active") : config.IsActive,
            TestMode = form.Checked("test_mode"),
            LookupEnabled = form.Checked("lookup_enabled"),
            LookupCacheDays = days,
        };
    }

    private static IResult Edit(
        DashboardRequest request,
        IPhoneConfigService configs,
        PhoneConfig config,
        bool isNew,
        string? notice = null,
        (string Summary, IReadOnlyDictionary<string, string[]> Fields)? error = null,
        ConnectionTestResult? test = null,
        int status = StatusCodes.Status200OK)
    {
        var id = DashboardFormat.Number(config.Id);
        var title = isNew ? "New config" : "Config " + id + ": " + config.Name;
        return DashboardLayout.Page(request, title, DashboardNavigation.Configs, html =>
        {
            if (notice is not null)
            {
                html.Element("p", notice, "notice ok");
            }

            if (error is { } e)
            {
                DashboardErrors.Write(html, e.Summary, e.Fields);
            }

            if (test is not null)
            {
                html.Raw(test.Success ? "<div class=\"notice ok connection-test\">" : "<div class=\"notice error connection-test\">")
                    .Element("strong", test.Success ? "Connection works." : "Connection failed")
                    .Text(test.ErrorCode is null ? "" : " (" + test.ErrorCode + ")")
                    .Text(test.Message is null ? "" : " " + test.Message)
                    .Text(test.AccountName is null ? "" : " Account: " + test.AccountName)
                    .Text(test.AccountStatus is null ? "" : " (" + test.AccountStatus + ")")
                    .Raw("</div>");
            }

            if (!isNew)
            {
                html.Raw("<div class=\"panel\"><dl class=\"facts\">")
                    .Term("Owner", config.Group is null ? "system default" : "group " + config.Group)
                    .Raw("<dt>State</dt><dd>").Element("span", config.IsActive ? "active" : "inactive", config.IsActive ? "status ok" : "status").Raw("</dd>")
                    .Term("Credentials", config.HasCredentials ? "stored (encrypted, never shown)" : "none stored")
                    .Term("Identities", string.Join(", ", config.Identities.Select(i => i.Kind + " " + i.Value)))
                    .Term("Modified", DashboardFormat.Time(config.Modified))
                    .Raw("</dl><div class=\"actions\">");
                if (!config.IsActive)
                {
                    ActionButton(html, request, "configs/" + id + "/activate", "Activate");
                }

                ActionButton(html, request, "configs/" + id + "/test", "Test connection");
                html.Raw("</div></div>");
            }

            html.Element("h2", isNew ? "Settings" : "Edit");
            html.Raw("<form class=\"panel config\" method=\"post\"").Attr("action", request.Url(isNew ? "configs" : "configs/" + id)).Raw(">")
                .Hidden(request.FormTokenField, request.FormToken)
                .Raw("<div class=\"fields\">")
                .Raw("<label>Name<input type=\"text\" name=\"name\" required maxlength=\"200\"").Attr("value", config.Name).Raw("></label>")
                .Raw("<label>Provider<select name=\"provider\" data-provider-select>");
            foreach (var provider in configs.Providers)
            {
                html.Raw("<option").Attr("value", provider.Name).Flag("selected", provider.Name == config.Provider).Raw(">").Text(provider.Name).Raw("</option>");
            }

            html.Raw("</select></label>")
                .Raw("<label>Lookup cache days<input type=\"number\" name=\"lookup_cache_days\" min=\"0\" max=\"3650\"")
                .Attr("value", DashboardFormat.Number(config.LookupCacheDays)).Raw("></label></div>")
                .Raw("<div class=\"fields\">");
            Check(html, "test_mode", "Test mode (record messages, send nothing)", config.TestMode);
            Check(html, "lookup_enabled", "Lookups may call the provider", config.LookupEnabled);
            if (isNew)
            {
                Check(html, "is_active", "Active (deactivates the group's other active config)", config.IsActive);
                if (request.Group is not null && request.Has(PhoneHubPermissions.ManageGroups))
                {
                    Check(html, "system_default", "System default (for groups without a config of their own)", config.Group is null);
                }
            }

            html.Raw("</div>");
            foreach (var provider in configs.Providers.Where(p => p.Settings.Count > 0))
            {
                html.Raw("<fieldset").Attr("data-provider", provider.Name).Raw("><legend>").Text(provider.Name).Text(" settings").Raw("</legend><div class=\"fields\">");
                foreach (var setting in provider.Settings)
                {
                    var value = provider.Name == config.Provider ? config.Setting(setting.Name) : null;
                    SettingInput(html, provider.Name, setting, value);
                }

                html.Raw("</div></fieldset>");
            }

            html.Raw("<div class=\"actions\"><button type=\"submit\">").Text(isNew ? "Create config" : "Save").Raw("</button>")
                .Link(request.Url("configs"), "Back to configs").Raw("</div></form>");

            if (!isNew)
            {
                CredentialsForm(html, request, configs, config);
            }
        }, status);
    }

    private static void CredentialsForm(HtmlWriter html, DashboardRequest request, IPhoneConfigService configs, PhoneConfig config)
    {
        html.Element("h2", "Credentials");
        var definition = configs.Providers.FirstOrDefault(p => p.Name == config.Provider);
        if (definition is null || definition.Credentials.Count == 0)
        {
            html.Element("p", $"The {config.Provider} provider takes no credentials.", "muted");
            return;
        }

        if (!configs.CredentialsAvailable)
        {
            html.Element("p", "This server has no encryption key, so it cannot store credentials.", "notice error");
            return;
        }

        // Write-only: inputs start empty every time and nothing stored is ever put back into the page.
        html.Raw("<form class=\"panel credentials\" method=\"post\" autocomplete=\"off\"")
            .Attr("action", request.Url("configs/" + DashboardFormat.Number(config.Id) + "/credentials")).Raw(">")
            .Hidden(request.FormTokenField, request.FormToken)
            .Element("p", config.HasCredentials
                ? "Credentials are stored. Saving replaces all of them; they cannot be read back."
                : "No credentials are stored. They are encrypted when saved and cannot be read back.", "muted")
            .Raw("<div class=\"fields\">");
        foreach (var field in definition.Credentials)
        {
            html.Raw("<label>").Text(field.Name).Raw("<input type=\"password\" autocomplete=\"new-password\" value=\"\"")
                .Attr("name", CredentialPrefix + field.Name).Attr("title", field.Description).Raw("></label>");
        }

        html.Raw("</div><div class=\"actions\"><button type=\"submit\">Store credentials</button></div></form>");
    }

    private static void SettingInput(HtmlWriter html, string provider, ProviderSetting setting, string? value)
    {
        var name = SettingPrefix + provider + "." + setting.Name;
        html.Raw("<label").Attr("title", setting.Description).Raw(">").Text(setting.Name);
        if (setting.Kind == ProviderSettingKind.Choice && setting.Choices is { } choices)
        {
            html.Raw("<select").Attr("name", name).Raw("><option value=\"\">(not set)</option>");
            foreach (var choice in choices)
            {
                html.Raw("<option").Attr("value", choice).Flag("selected", string.Equals(choice, value, StringComparison.OrdinalIgnoreCase)).Raw(">").Text(choice).Raw("</option>");
            }

            html.Raw("</select>");
        }
        else if (setting.Kind == ProviderSettingKind.Boolean)
        {
            html.Raw("<select").Attr("name", name).Raw("><option value=\"\">(not set)</option>")
                .Raw("<option value=\"true\"").Flag("selected", value == "true").Raw(">true</option>")
                .Raw("<option value=\"false\"").Flag("selected", value == "false").Raw(">false</option></select>");
        }
        else
        {
            var type = setting.Kind switch
            {
                ProviderSettingKind.PhoneNumber => "tel",
                _ => "text",
            };
            html.Raw("<input").Attr("type", type).Attr("name", name).Attr("value", value).Attr("maxlength", DashboardFormat.Number(setting.MaxLength)).Raw(">");
        }

        html.Raw("<small class=\"muted\">").Text(setting.Description).Raw("</small></label>");
    }

    private static void Check(HtmlWriter html, string name, string label, bool on) =>
        html.Raw("<label class=\"check\"><input type=\"checkbox\" value=\"on\"").Attr("name", name).Flag("checked", on).Raw("> ").Text(label).Raw("</label>");

    private static void ActionButton(HtmlWriter html, DashboardRequest request, string path, string text) =>
        html.Raw("<form class=\"inline\" method=\"post\"").Attr("action", request.Url(path)).Raw(">")
            .Hidden(request.FormTokenField, request.FormToken)
            .Raw("<button type=\"submit\" class=\"secondary\">").Text(text).Raw("</button></form>");
}
