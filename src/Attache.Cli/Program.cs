using Attache.Cli;
using Attache.Client;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var root = CliApp.Build((server, apiKey) => AttacheClient.Create(server, apiKey));
return await CliApp.RunAsync(root, args, Console.Out, Console.Error, cancellation.Token);
