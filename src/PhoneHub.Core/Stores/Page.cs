namespace PhoneHub.Stores;

/// <summary>One page of a listing.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items on this page.</param>
/// <param name="TotalCount">How many items match in all.</param>
/// <param name="Offset">How many matching items come before this page.</param>
/// <param name="Limit">The page size asked for.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, long TotalCount, int Offset, int Limit);
