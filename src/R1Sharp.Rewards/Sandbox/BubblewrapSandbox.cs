using System.Text;
using System.Threading.Channels;

namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// The code sandbox: bubblewrap namespaces, a separate unprivileged uid per worker slot, kernel rlimits, a
/// host-enforced wall clock and output cap, and a kill of the whole process tree after every run.
/// Start it with <see cref="StartAsync"/>, which probes it once with a trivial program and refuses to
/// start (<see cref="SandboxUnavailableException"/>) when anything is missing: code never runs unsandboxed.
/// </summary>
public sealed class BubblewrapSandbox : ICodeSandbox
{
    private const string ProbeText = "r1sharp-sandbox-probe";
    private readonly SandboxOptions _options;
    private readonly List<WorkerSlot> _slots;
    private readonly Channel<WorkerSlot> _free;
    private readonly string _programsDirectory;
    private int _disposed;

    private BubblewrapSandbox(SandboxOptions options, List<WorkerSlot> slots)
    {
        _options = options;
        _slots = slots;
        _free = Channel.CreateUnbounded<WorkerSlot>();
        foreach (var slot in slots)
            _free.Writer.TryWrite(slot);
        _programsDirectory = Path.Combine(options.StateDirectory, "programs");
    }

    /// <inheritdoc />
    public int WorkerSlots => _slots.Count;

    /// <summary>The uids of the worker slots (each used by this sandbox alone while it lives).</summary>
    public IReadOnlyList<int> SlotUids => _slots.Select(s => s.Uid).ToList();

    /// <summary>The options the sandbox runs with.</summary>
    public SandboxOptions Options => _options;

    /// <summary>
    /// Checks the tools and privileges, claims the worker slots' uids and runs one trivial program through the
    /// full chain. Throws <see cref="SandboxUnavailableException"/> saying what is missing.
    /// </summary>
    public static async Task<BubblewrapSandbox> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        options.Validate();
        if (!OperatingSystem.IsLinux())
            throw new SandboxUnavailableException("the code sandbox needs Linux (bubblewrap and namespaces)");
        foreach (var (name, path) in new[]
                 {
                     ("bubblewrap", options.BubblewrapPath), ("unshare", options.UnsharePath),
                     ("prlimit", options.PrlimitPath),
                 })
        {
            if (!File.Exists(path))
                throw new SandboxUnavailableException(
                    $"{name} not found at '{path}' (Debian: apt-get install {(name == "bubblewrap" ? "bubblewrap" : "util-linux")}); code will not be run");
        }
        if (LinuxNative.EffectiveUid != 0)
            throw new SandboxUnavailableException(
                $"the sandbox runs each worker slot as its own uid, which needs root (this process runs as uid {LinuxNative.EffectiveUid}); code will not be run");

        CreatePrivateDirectory(options.StateDirectory);
        var slots = new List<WorkerSlot>();
        try
        {
            var taken = new HashSet<int>();
            for (int i = 0; i < options.WorkerSlots; i++)
            {
                var slot = WorkerSlot.Claim(Path.Combine(options.StateDirectory, "uids"), options.FirstUid, options.UidCount, taken);
                taken.Add(slot.Uid);
                slots.Add(slot);
                // A process that held this uid before may have died without cleaning up.
                await SlotProcessSweeper.KillAllAsync(slot.Uid).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var slot in slots) slot.Dispose();
            throw;
        }

        var sandbox = new BubblewrapSandbox(options, slots);
        try
        {
            await sandbox.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
        return sandbox;
    }

    /// <inheritdoc />
    public ProgramDirectory CreateProgramDirectory()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return new ProgramDirectory(Path.Combine(_programsDirectory, Guid.NewGuid().ToString("N")));
    }

    /// <inheritdoc />
    public async Task<SandboxRunResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        request.Limits.Validate();
        if (request.Command.Count == 0 || !request.Command[0].StartsWith('/'))
            throw new ArgumentException("the command must start with an absolute path inside the sandbox", nameof(request));

        var slot = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var program = request.Program;
            if (program != null && request.ProgramWritable)
                GiveTree(program.HostPath, (uint)slot.Uid, readOnly: false);
            try
            {
                var argv = SandboxCommandLine.Build(_options, request, slot.Uid, request.ProgramWritable);
                return await SandboxProcessRunner.RunAsync(argv, request, slot.Uid, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (program != null && request.ProgramWritable)
                    GiveTree(program.HostPath, 0, readOnly: true);
            }
        }
        finally
        {
            // After Dispose the slot's uid is released only now, when its run is over: a uid must never be
            // claimed by another sandbox while a process of this one still runs under it.
            if (Volatile.Read(ref _disposed) != 0 || !_free.Writer.TryWrite(slot))
                slot.Dispose();
        }
    }

    /// <summary>Releases the free slots' uids now and the busy ones when their runs end (runs are not waited for).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _free.Writer.TryComplete();
        while (_free.Reader.TryRead(out var slot))
            slot.Dispose();
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var request = new SandboxRequest(["/usr/bin/echo", ProbeText], ResourceLimits.Default);
        SandboxRunResult result;
        try
        {
            result = await RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (SandboxUnavailableException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new SandboxUnavailableException($"the sandbox probe failed: {e.Message}; code will not be run", e);
        }
        string stdout = Encoding.UTF8.GetString(result.Stdout).Trim();
        if (!result.Succeeded || stdout != ProbeText)
        {
            throw new SandboxUnavailableException(
                $"the sandbox probe (echo through prlimit/unshare/bwrap as uid {result.SlotUid}) failed: " +
                $"{result.Termination}, exit {result.ExitCode?.ToString() ?? result.SignalName}, stderr: {result.Stderr.Trim()}; code will not be run");
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        // Slot uids must traverse it to reach program folders, but not list it.
        UnixPermissions.Set(path, UnixPermissions.TraversableOnly);
    }

    /// <summary>Gives a program folder and its files to <paramref name="uid"/> (writable) or back to root (read-only for others).</summary>
    private static void GiveTree(string root, uint uid, bool readOnly)
    {
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            var info = new FileInfo(path);
            if (info.LinkTarget != null)
            {
                // A program must not leave links behind for the host to follow.
                File.Delete(path);
                continue;
            }
            LinuxNative.Chown(path, uid, uid);
            if (readOnly)
            {
                bool executable = Directory.Exists(path) || UnixPermissions.IsUserExecutable(path);
                UnixPermissions.Set(path, executable ? UnixPermissions.ExecutableByAll : UnixPermissions.ReadableByAll);
            }
        }
    }
}
