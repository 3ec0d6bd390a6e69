// Every fixture works in schemas of its own, so fixtures run side by side.
[assembly: Parallelizable(ParallelScope.Fixtures)]
