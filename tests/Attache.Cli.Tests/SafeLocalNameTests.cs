extern alias cli;

using cli::Attache.Cli;

namespace Attache.Cli.Tests;

public sealed class SafeLocalNameTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../evil.txt", "evil.txt")]
    [InlineData(@"..\..\evil.txt", "evil.txt")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData(@"C:\Windows\system.ini", "system.ini")]
    [InlineData("..", "download")]
    [InlineData(".", "download")]
    [InlineData("dir/", "download")]
    [InlineData("   ", "download")]
    [InlineData("", "download")]
    [InlineData(".bashrc", "bashrc")]
    [InlineData("..hidden.txt", "hidden.txt")]
    [InlineData("../.ssh/.authorized_keys", "authorized_keys")]
    [InlineData("...", "download")]
    public void A_server_supplied_name_only_ever_names_a_visible_file_in_the_current_folder(string name, string expected)
    {
        var local = CliApp.SafeLocalName(name);

        Assert.Equal(expected, local);
        Assert.False(local.StartsWith('.'));
        var folder = Path.GetFullPath(Path.GetTempPath());
        Assert.Equal(folder, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(folder, local))) + Path.DirectorySeparatorChar);
    }
}
