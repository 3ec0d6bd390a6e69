namespace PhoneHub.Stores;

/// <summary>
/// Implemented by the stores and the migrator of a store package (PhoneHub's SQLite default, PhoneHub.PostgreSql, ...),
/// so PhoneHub can tell at start that every store interface comes from one package: a host that replaces one store
/// and leaves the others on a package's would split its data across two databases without noticing.
/// </summary>
/// <remarks>A host's own stores need not implement it; PhoneHub then expects all three to be the host's.</remarks>
public interface IStoreFamilyMember
{
    /// <summary>The package's name, the same for all of its stores and its migrator (for example <c>SQLite</c>, <c>PostgreSQL</c>).</summary>
    string StoreFamily { get; }
}
