using Attache.Fuzz;
using SharpFuzz;

// attache-fuzz <target>              : serve afl-fuzz (SharpFuzz's fork server; one process, many inputs)
// attache-fuzz <target> <file>...    : run the target once per file and print what each did (triage of findings)
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: Attache.Fuzz <{string.Join('|', FuzzTargets.Names)}> [input file...]");
    return 2;
}

if (args.Length > 1)
{
    var target = FuzzTargets.Create(args[0])!;
    using var disposal = target as IDisposable;
    var failed = 0;
    foreach (var path in args.Skip(1))
    {
        try
        {
            target.Run(File.ReadAllBytes(path));
            Console.WriteLine($"ok    {path}");
        }
        catch (Exception exception)
        {
            failed++;
            Console.WriteLine($"CRASH {path}\n{exception}");
        }
    }

    return failed == 0 ? 0 : 1;
}

// Instrumented code may only run once Fuzzer.Run has mapped AFL's coverage memory, so the target (whose set-up calls
// the product) is made on the first input. The process is killed by afl-fuzz at the end; nothing is disposed.
// afl-fuzz keeps a crashing input but not what was thrown; ATTACHE_FUZZ_CRASH_LOG (set by fuzz/run) keeps that too, as
// some answers (the multipart target's store under a busy disk) depend on more than the input.
var crashLog = Environment.GetEnvironmentVariable("ATTACHE_FUZZ_CRASH_LOG");
IFuzzTarget? fuzzed = null;
Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    try
    {
        fuzzed ??= FuzzTargets.Create(args[0])!;
        fuzzed.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }
    catch (Exception exception) when (!string.IsNullOrEmpty(crashLog))
    {
        File.AppendAllText(crashLog, $"--- {copy.Length} byte input: {Convert.ToBase64String(copy.GetBuffer(), 0, (int)copy.Length)}\n{exception}\n");
        throw;
    }
});
return 0;
