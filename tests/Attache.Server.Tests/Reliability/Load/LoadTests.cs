namespace Attache.Server.Tests.Reliability.Load;

/// <summary>Tests that time the server or load it: they run alone, so that neither they nor the rest of the suite skew the other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadTests
{
    public const string Name = "Load";
}
