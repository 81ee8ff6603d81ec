using System.Net;
using System.Text.Json;
using Attache.Server.Tests.Api;

namespace Attache.Server.Tests.Audit;

/// <summary>Reads the audit trail as an admin. Writes are batched off the request path, so reads poll.</summary>
internal static class AuditTrailReader
{
    /// <summary>Polls <c>GET /v1/audit</c> until it holds at least <paramref name="count"/> events matching the query (at most 5 s).</summary>
    public static async Task<List<JsonElement>> AuditEventsAsync(this HttpClient admin, string query = "", int count = 1)
    {
        List<JsonElement> items = [];
        for (var i = 0; i < 200; i++)
        {
            using var response = await admin.GetAsync("/v1/audit" + query, NativeApi.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            items = (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
            if (items.Count >= count)
            {
                return items;
            }

            await Task.Delay(25, NativeApi.Token);
        }

        return items;
    }

    /// <summary>Polls <c>GET /v1/audit</c> until one event of the query matches <paramref name="match"/> (at most 5 s); other tests' events may be there first.</summary>
    public static async Task<List<JsonElement>> AuditEventsAsync(this HttpClient admin, string query, Func<JsonElement, bool> match)
    {
        List<JsonElement> items = [];
        for (var i = 0; i < 200; i++)
        {
            items = await admin.AuditEventsAsync(query, 0);
            if (items.Any(match))
            {
                return items;
            }

            await Task.Delay(25, NativeApi.Token);
        }

        return items;
    }
}
