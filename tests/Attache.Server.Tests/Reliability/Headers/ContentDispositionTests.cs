using System.Text;
using Attache.Server.Http;
using Attache.Server.Tests.Http;

namespace Attache.Server.Tests.Reliability.Headers;

public sealed class ContentDispositionTests(DownloadFixture fixture) : IClassFixture<DownloadFixture>
{
    public static TheoryData<string> HostileNames() =>
    [
        "a\r\nSet-Cookie: x=1.txt",
        "evil.bat\";x=.txt",
        "report.csv; filename*=UTF-8''evil.html",
        "\tlead.txt",
        "a\x7Fb.txt",
        string.Concat(Enumerable.Repeat("議事録と添付資料", 40)) + ".docx",
        "invoice\u202Egpj.exe",
        "naïve résumé.pdf",
        "../../etc/passwd",
        "back\\slash\0nul%41.txt",
        "😀 emoji.txt",
    ];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task C19_Hostile_names_give_one_safe_filename_and_a_filename_star_that_decodes_back(string fileName)
    {
        var name = "hostile-" + Guid.NewGuid().ToString("N");
        fixture.Kestrel.Add(name, "testcontent", "text/plain", fileName);

        var response = await fixture.Kestrel.RawAsync("GET", "/blob/" + name);

        Assert.Equal(200, response.Status);
        Assert.Equal("testcontent", response.Text);
        var header = response.Header("Content-Disposition")!;
        Assert.DoesNotContain(header, c => c < 0x20 || c >= 0x7F);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(header, "filename="));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(header, @"filename\*="));
        Assert.False(response.Headers.ContainsKey("Set-Cookie"));
        var (type, parameters) = Responses.ParseDisposition(header);
        Assert.Equal("attachment", type);
        Assert.Single(parameters, p => p.Name == "filename");
        Assert.DoesNotContain(parameters.Single(p => p.Name == "filename").Value, c => c is '"' or '\\' or '/' or ';' or '%');
        var star = Assert.Single(parameters, p => p.Name == "filename*").Value;
        Assert.StartsWith("UTF-8''", star, StringComparison.Ordinal);
        Assert.Equal(fileName, Uri.UnescapeDataString(star["UTF-8''".Length..]));
        Assert.Equal(2, parameters.Count);
    }

    [Theory]
    [InlineData("report.pdf", "attachment; filename=\"report.pdf\"")]
    [InlineData("my report (final).pdf", "attachment; filename=\"my report (final).pdf\"")]
    [InlineData("naïve.pdf", "attachment; filename=\"na_ve.pdf\"; filename*=UTF-8''na%C3%AFve.pdf")]
    [InlineData("a\"b.txt", "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt")]
    [InlineData("", "attachment")]
    public void C19_Quoted_style_writes_RFC_6266_with_filename_star_only_when_needed(string fileName, string expected) =>
        Assert.Equal(expected, ContentDispositionHeader.Build("attachment", fileName));

    [Theory]
    [InlineData("dictation.dss", "inline; filename=dictation.dss")]
    [InlineData("my file.dss", "inline; filename=\"my file.dss\"")]
    [InlineData("diktat-ä.dss", "inline; filename=diktat-_.dss; filename*=UTF-8''diktat-%C3%A4.dss")]
    public void C19_Unquoted_style_leaves_tokens_bare(string fileName, string expected) =>
        Assert.Equal(expected, ContentDispositionHeader.Build("inline", fileName, FileNameStyle.UnquotedToken));

    [Theory]
    [InlineData("")]
    [InlineData("attachment; x=1")]
    [InlineData("in line")]
    [InlineData("a\r\nb")]
    public void C19_A_disposition_type_that_is_not_a_token_is_refused(string type) =>
        Assert.Throws<ArgumentException>(() => ContentDispositionHeader.Build(type, "a.txt"));

    [Fact]
    public void C19_Every_byte_outside_attr_char_is_percent_encoded_in_upper_case_hex()
    {
        var all = new string([.. Enumerable.Range(1, 0x7F).Select(i => (char)i)]);

        var header = ContentDispositionHeader.Build("attachment", all);

        var star = header[(header.IndexOf("filename*=UTF-8''", StringComparison.Ordinal) + 17)..];
        Assert.Matches("^([A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-F]{2})+$", star);
        Assert.Equal(all, Uri.UnescapeDataString(star));
        Assert.Equal(Encoding.UTF8.GetByteCount(all), star.Count(c => c != '%') - (2 * star.Count(c => c == '%')) + star.Count(c => c == '%'));
    }
}
