using System.Net;

namespace Attache.Fuzz.Tests;

/// <summary>
/// Every seed of fuzz/corpus replayed through its harness, without AFL: a regression in a parser shows here even
/// where afl-fuzz is not installed. A harness throws on any outcome its target does not document.
/// </summary>
public sealed class SeedCorpusTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_gives_a_documented_outcome(string name)
    {
        var seeds = Seeds(name);
        Assert.NotEmpty(seeds);
        var target = FuzzTargets.Create(name)!;
        using var disposal = target as IDisposable;
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            try
            {
                target.Run(File.ReadAllBytes(seed));
            }
            catch (Exception exception)
            {
                failures.Add($"{Path.GetFileName(seed)}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void The_signed_seeds_are_tokens_the_real_signer_accepts()
    {
        var target = new LinkTokenTarget();
        foreach (var seed in Seeds(LinkTokenTarget.TargetName).Where(s => Path.GetFileName(s).StartsWith("valid-", StringComparison.Ordinal)))
        {
            Assert.NotNull(target.Verify(File.ReadAllBytes(seed)));
        }

        Assert.Null(target.Verify(File.ReadAllBytes(Seed(LinkTokenTarget.TargetName, "bad-mac"))));
        Assert.NotNull(target.Verify(File.ReadAllBytes(Seed(LinkTokenTarget.TargetName, "sign-a1"))));
        Assert.Null(target.Verify(File.ReadAllBytes(Seed(LinkTokenTarget.TargetName, "sign-leading-zero"))));
    }

    [Theory]
    [InlineData("one-file", HttpStatusCode.Created)]
    [InlineData("two-slots", HttpStatusCode.Created)]
    [InlineData("field-then-file", HttpStatusCode.Created)]
    [InlineData("quoted-boundary", HttpStatusCode.Created)]
    [InlineData("hostile-name", HttpStatusCode.Created)]
    [InlineData("valueless-filename-star", HttpStatusCode.Created)]
    [InlineData("utf7-filename-star", HttpStatusCode.Created)]
    [InlineData("bad-md5", HttpStatusCode.UnprocessableEntity)]
    [InlineData("no-final-boundary", HttpStatusCode.BadRequest)]
    [InlineData("no-file-part", HttpStatusCode.BadRequest)]
    [InlineData("not-multipart", HttpStatusCode.BadRequest)]
    [InlineData("too-large", HttpStatusCode.RequestEntityTooLarge)]
    public void The_multipart_seeds_reach_the_outcomes_they_were_written_for(string seed, HttpStatusCode expected)
    {
        using var target = new MultipartTarget();
        Assert.Equal((int)expected, target.Upload(File.ReadAllBytes(Seed(MultipartTarget.TargetName, seed))));
    }

    private static string Seed(string target, string name) => Path.Combine(AppContext.BaseDirectory, "corpus", target, name);

    private static string[] Seeds(string target)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "corpus", target);
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray() : [];
    }
}
