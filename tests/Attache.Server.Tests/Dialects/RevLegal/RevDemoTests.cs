using System.Net;
using System.Net.Http.Headers;
using Attache.Client;
using Attache.Server.Tests.Api;
using Attache.Server.Tests.Import;

namespace Attache.Server.Tests.Dialects.RevLegal;

public sealed class RevDemoTests
{
    [Fact]
    public async Task The_demo_ready_to_certify_transcript_comes_as_its_preferred_docx_to_the_demo_keys()
    {
        await using var app = new AttacheApp();
        using (var admin = app.CreateAdminClient())
        {
            await new AttacheClient(admin).ImportAsync(Samples.Demo, NativeApi.Token);
        }

        using var rev = app.CreateClient();
        rev.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Rev", "demo-key-rev-client-0123456789abcdef:demo-key-rev-user-0123456789abcdef");

        using var docx = await rev.GetAsync("/rev/api/v1/attachments/rev-att-1/content", NativeApi.Token);
        using var pdf = await rev.GetAsync("/rev/api/v1/attachments/rev-att-1/content.pdf", NativeApi.Token);

        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal(RevWorld.Docx, docx.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotAcceptable, pdf.StatusCode);
    }
}
