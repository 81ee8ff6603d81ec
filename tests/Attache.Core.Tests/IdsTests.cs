namespace Attache.Core.Tests;

public sealed class IdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("doc-1")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("A.b_c~d-e")]
    [InlineData("12345")]
    [InlineData("x.")]
    public void Ids_of_letters_digits_and_safe_punctuation_are_valid(string id) => Assert.True(Ids.IsValidId(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData(@"a\b")]
    [InlineData("a b")]
    [InlineData("a%2F")]
    [InlineData("é")]
    [InlineData("a\0")]
    [InlineData("a:b")]
    public void Ids_with_other_characters_or_a_leading_dot_are_invalid(string? id) => Assert.False(Ids.IsValidId(id));

    [Fact]
    public void An_id_may_have_128_characters_but_not_129()
    {
        Assert.True(Ids.IsValidId(new string('a', 128)));
        Assert.False(Ids.IsValidId(new string('a', 129)));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("fi_file")]
    [InlineData("attachment-2")]
    [InlineData("X9")]
    public void Slots_of_letters_digits_underscore_and_dash_are_valid(string slot) => Assert.True(Ids.IsValidSlot(slot));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a~b")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a b")]
    public void Slots_with_other_characters_are_invalid(string? slot) => Assert.False(Ids.IsValidSlot(slot));

    [Fact]
    public void A_slot_may_have_64_characters_but_not_65()
    {
        Assert.True(Ids.IsValidSlot(new string('s', 64)));
        Assert.False(Ids.IsValidSlot(new string('s', 65)));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(9999, true)]
    [InlineData(10000, false)]
    [InlineData(-1, false)]
    [InlineData(int.MaxValue, false)]
    [InlineData(int.MinValue, false)]
    public void Indices_run_from_0_to_9999(int index, bool valid) => Assert.Equal(valid, Ids.IsValidIndex(index));
}
