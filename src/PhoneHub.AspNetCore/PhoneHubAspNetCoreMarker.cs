namespace PhoneHub.AspNetCore;

/// <summary>Marks that <c>AddAspNetCore()</c> ran, so <c>MapPhoneHub()</c> can say what is missing.</summary>
internal sealed class PhoneHubAspNetCoreMarker;
