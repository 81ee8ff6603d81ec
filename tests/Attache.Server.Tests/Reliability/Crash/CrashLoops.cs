namespace Attache.Server.Tests.Reliability.Crash;

/// <summary>Crash loops start and kill real server processes and need the CPU to themselves: they run alone.</summary>
[CollectionDefinition(nameof(CrashLoops), DisableParallelization = true)]
public sealed class CrashLoops;
