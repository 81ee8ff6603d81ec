using Attache.Server.Errors;
using Microsoft.AspNetCore.Http;

namespace Attache.Server.Tests.Errors;

public sealed class RequestErrorHandlerTests
{
    [Theory]
    [InlineData("/l/YTIKczEKMQ.c2lnbmF0dXJl", "/l/…")]
    [InlineData("/l", "/l/…")]
    [InlineData("/L/token", "/l/…")]
    [InlineData("/v1/files/1/content", "/v1/files/1/content")]
    [InlineData("/links/abc", "/links/abc")]
    public void A_link_token_never_reaches_a_log_line(string path, string logged)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        Assert.Equal(logged, RequestErrorHandler.LoggedPath(context.Request));
    }
}
