using Attache.Core;
using Attache.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAttacheCore();
builder.Services.AddAttacheStorage(builder.Configuration);

var app = builder.Build();
app.MapGet("/health", () => Results.Ok());
app.Run();

public partial class Program;
