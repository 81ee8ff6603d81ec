using Attache.Core.Principals;

namespace Attache.Core.Tests;

public sealed class SecretsTests
{
    [Fact]
    public void Equal_bytes_are_equal() => Assert.True(Secrets.Equal([1, 2, 3], [1, 2, 3]));

    [Theory]
    [InlineData(new byte[] { 9, 2, 3 })]
    [InlineData(new byte[] { 1, 9, 3 })]
    [InlineData(new byte[] { 1, 2, 9 })]
    public void A_difference_anywhere_is_unequal(byte[] presented) => Assert.False(Secrets.Equal(presented, [1, 2, 3]));

    [Theory]
    [InlineData(new byte[] { 1, 2 })]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    public void A_prefix_or_an_extension_is_unequal(byte[] presented) => Assert.False(Secrets.Equal(presented, [1, 2, 3]));

    [Fact]
    public void Empty_never_matches_not_even_empty()
    {
        Assert.False(Secrets.Equal([], []));
        Assert.False(Secrets.Equal([], [1]));
        Assert.False(Secrets.Equal([1], []));
        Assert.False(Secrets.Matches("", []));
    }

    [Fact]
    public void A_secret_matches_its_digest_only()
    {
        var digest = Secrets.Digest("atk_0123456789");

        Assert.Equal(Secrets.DigestBytes, digest.Length);
        Assert.True(Secrets.Matches("atk_0123456789", digest));
        Assert.False(Secrets.Matches("atk_012345678X", digest));
        Assert.False(Secrets.Matches("atk_012345678", digest));
        Assert.Equal(Convert.ToHexStringLower(digest), Secrets.DigestHex("atk_0123456789"));
    }

    [Fact]
    public void Texts_compare_whole_and_never_match_null()
    {
        Assert.True(Secrets.EqualText("AQAAAAIAAYag", "AQAAAAIAAYag"));
        Assert.False(Secrets.EqualText("AQAAAAIAAYag", "AQAAAAIAAYah"));
        Assert.False(Secrets.EqualText("AQAAAAIAAYag", "AQAAAAIAAYa"));
        Assert.False(Secrets.EqualText(null, null));
        Assert.False(Secrets.EqualText("", ""));
    }
}
