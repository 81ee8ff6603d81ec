using System.Text.Json.Serialization;
using Attache.Core;
using Attache.Core.Files;
using Attache.Rendering;
using Attache.Server.Api;
using Attache.Server.Auth;
using Attache.Server.Dialects;
using Attache.Server.Dialects.Dynacase;
using Attache.Server.Dialects.RevLegal;
using Attache.Server.Dialects.Chat;
using Attache.Server.Dialects.DocumentApi;
using Attache.Server.Dialects.SpeechExec;
using Attache.Server.Errors;
using Attache.Server.Http;
using Attache.Server.Links;
using Attache.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(builder.Configuration.GetSection("Attache:Uploads").Get<UploadLimits>() ?? new UploadLimits());
builder.Services.AddAttacheCore();
builder.Services.AddAttacheStorage(builder.Configuration);
builder.Services.AddAttacheLinksAndAudit(builder.Configuration);
builder.Services.AddAttacheRendering(builder.Configuration);
builder.Services.AddSingleton<RenditionGate>();
builder.Services.AddAttacheHttp(builder.Configuration);
builder.Services.AddAttacheForwardedHeaders(builder.Configuration);
builder.Services.AddSingleton<DialectMounts>();
builder.Services.AddAttacheAuth(builder.Configuration);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddExceptionHandler<RequestErrorHandler>();
builder.Services.AddProblemDetails();
builder.UseAttacheLimits();

var app = builder.Build();

app.UseAttacheForwardedHeaders();
app.UseExceptionHandler();
app.UseDialectStatusPages();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapNativeApi();
app.MapSessions();
app.MapLinks();
app.MapDynacase();
app.MapRevLegal();
app.MapChat();
app.MapDocumentApi();
app.MapSpeechExec();

// Taken before the run: the host disposes its services when the run ends.
var stopping = app.Lifetime.ApplicationStopping;
try
{
    await app.RunAsync();
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // Asked to stop while still starting (SIGTERM during migrations): nothing was served yet, so this is a clean stop.
}

public partial class Program;
