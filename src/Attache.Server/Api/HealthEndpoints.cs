using Attache.Core.Ports;

namespace Attache.Server.Api;

internal static class HealthEndpoints
{
    /// <summary><c>GET /health</c>: 200 once the metadata store answers a query, 503 otherwise.</summary>
    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/health", CheckAsync);

    private static async Task<IResult> CheckAsync(IMetadataStore metadata, ILogger<IMetadataStore> logger, CancellationToken cancellationToken)
    {
        try
        {
            await metadata.FindDocumentAsync("health-probe", cancellationToken);
            return Results.Text("ok");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Health check failed");
            return Results.Problem("The metadata store does not answer.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
