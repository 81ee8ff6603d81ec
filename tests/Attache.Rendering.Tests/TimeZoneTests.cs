using Attache.Core.Renditions;

namespace Attache.Rendering.Tests;

[CollectionDefinition(nameof(TimeZoneTests), DisableParallelization = true)]
public sealed class ChangesTimeZone;

/// <summary>These tests change the process's time zone, so they run alone.</summary>
[Collection(nameof(TimeZoneTests))]
public sealed class TimeZoneTests
{
    [Theory]
    [InlineData("txt")]
    [InlineData("docx")]
    [InlineData("pdf")]
    public async Task The_same_transcript_gives_the_same_bytes_in_any_time_zone(string format)
    {
        var rendition = RenditionFormat.All.Single(f => f.Name == format);
        var zone = Environment.GetEnvironmentVariable("TZ");
        try
        {
            var renders = new List<string>();
            foreach (var tz in new[] { "UTC", "Asia/Tokyo", "America/New_York" })
            {
                Environment.SetEnvironmentVariable("TZ", tz);
                TimeZoneInfo.ClearCachedData();
                renders.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await Renders.RenderAsync(Renders.EveryType, rendition))));
            }

            Assert.Single(renders.Distinct());
        }
        finally
        {
            Environment.SetEnvironmentVariable("TZ", zone);
            TimeZoneInfo.ClearCachedData();
        }
    }
}
