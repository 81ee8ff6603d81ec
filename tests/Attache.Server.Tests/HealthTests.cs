using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Attache.Server.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_answers_200()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
