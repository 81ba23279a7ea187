using System.Net;
using System.Net.Sockets;
using System.Text;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Tests.Sandbox;

[Collection("sandbox")]
public sealed class SandboxIsolationTests(SandboxFixture fixture)
{
    private static string Out(SandboxRunResult r) => Encoding.UTF8.GetString(r.Stdout);

    [Fact]
    public async Task Program_reads_stdin_and_writes_stdout_as_the_slot_uid()
    {
        var result = await fixture.RunPythonAsync("import os,sys\nprint(os.getuid(), sys.stdin.read().upper())", "hello");
        Assert.True(result.Succeeded, result.Stderr);
        Assert.Equal($"{result.SlotUid} HELLO", Out(result).Trim());
        Assert.Contains(result.SlotUid, fixture.Sandbox.SlotUids);
        Assert.NotEqual(0, result.SlotUid);
    }

    [Theory]
    [InlineData("/etc/shadow")]
    [InlineData("/root")]
    [InlineData("/home")]
    [InlineData("/work")]
    public async Task Host_secrets_and_folders_are_not_visible(string path)
    {
        var result = await fixture.RunPythonAsync($"import os\nprint(os.path.exists({PyString(path)}))");
        Assert.True(result.Succeeded, result.Stderr);
        Assert.Equal("False", Out(result).Trim());
    }

    [Fact]
    public async Task The_repository_is_not_visible()
    {
        string repo = Testing.SharedData.RepositoryRoot;
        Assert.True(Directory.Exists(repo));
        var result = await fixture.RunPythonAsync(
            $"import os\nprint(os.path.exists({PyString(repo)}), os.path.exists({PyString(Path.Combine(repo, "R1Sharp.slnx"))}))");
        Assert.True(result.Succeeded, result.Stderr);
        Assert.Equal("False False", Out(result).Trim());
    }

    [Fact]
    public async Task Reading_etc_shadow_fails()
    {
        Assert.True(File.Exists("/etc/shadow"));
        var result = await fixture.RunPythonAsync("print(open('/etc/shadow').read())");
        Assert.Equal(SandboxTermination.Exited, result.Termination);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FileNotFoundError", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_listener_on_the_host_loopback_cannot_be_reached()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptTcpClientAsync();
        var result = await fixture.RunPythonAsync(
            "import socket\ntry:\n    socket.create_connection(('127.0.0.1', " + port + "), timeout=3)\n    print('connected')\n" +
            "except OSError as e:\n    print('failed', type(e).__name__)");
        Assert.True(result.Succeeded, result.Stderr);
        Assert.StartsWith("failed", Out(result).Trim());
        Assert.False(accept.IsCompleted);
    }

    [Fact]
    public async Task Dns_lookups_fail()
    {
        var result = await fixture.RunPythonAsync(
            "import socket\ntry:\n    print(socket.getaddrinfo('example.com', 80))\nexcept OSError as e:\n    print('failed', type(e).__name__)");
        Assert.True(result.Succeeded, result.Stderr);
        Assert.StartsWith("failed", Out(result).Trim());
    }

    [Fact]
    public async Task Only_the_scratch_folder_and_tmp_are_writable()
    {
        const string script = """
            import os
            for path in ['/usr/evil', '/box/program/evil', '/evil', '/etc/evil', '/box/work/ok', '/tmp/ok']:
                try:
                    open(path, 'w').write('x')
                    print(path, 'written')
                except OSError as e:
                    print(path, 'refused')
            """;
        var result = await fixture.RunPythonAsync(script);
        Assert.True(result.Succeeded, result.Stderr);
        var lines = Out(result).Trim().Split('\n');
        Assert.Equal(
            ["/usr/evil refused", "/box/program/evil refused", "/evil refused", "/etc/evil refused", "/box/work/ok written", "/tmp/ok written"],
            lines);
        Assert.False(File.Exists("/usr/evil"));
    }

    [Fact]
    public async Task The_program_has_no_capabilities_no_groups_and_cannot_gain_privileges()
    {
        var result = await fixture.RunPythonAsync(
            "import os\nfields = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines())\n" +
            "print(fields['CapEff'].strip(), fields['CapPrm'].strip(), fields['NoNewPrivs'].strip(), os.getgroups(), os.getgid())");
        Assert.True(result.Succeeded, result.Stderr);
        Assert.Equal($"0000000000000000 0000000000000000 1 [] {result.SlotUid}", Out(result).Trim());
    }

    private static string PyString(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
