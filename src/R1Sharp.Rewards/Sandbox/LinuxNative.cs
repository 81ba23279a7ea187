using System.Runtime.InteropServices;

namespace R1Sharp.Rewards.Sandbox;

/// <summary>The few libc calls .NET has no managed API for: changing a file's owner, signalling a pid, reading a path's owner.</summary>
internal static class LinuxNative
{
    public const int SigKill = 9;

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int ChownRaw([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int KillRaw(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUidRaw();

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int StatRaw([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

    /// <summary>This process's effective uid (0 = root).</summary>
    public static uint EffectiveUid => GetEffectiveUidRaw();

    /// <summary>Gives <paramref name="path"/> to <paramref name="uid"/>:<paramref name="gid"/>; throws with the path on failure.</summary>
    public static void Chown(string path, uint uid, uint gid)
    {
        if (ChownRaw(path, uid, gid) != 0)
            throw new IOException($"chown {uid}:{gid} '{path}' failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is already gone.</summary>
    public static bool Kill(int pid, int signal) => KillRaw(pid, signal) == 0;

    /// <summary>The owner uid of <paramref name="path"/>, or null when it does not exist (any more).</summary>
    /// <remarks>For /proc/&lt;pid&gt; this is the process's effective uid: a cheaper test than parsing its status file.</remarks>
    public static uint? OwnerUid(string path)
    {
        // struct stat is 144 bytes on x86_64 and 128 on aarch64 glibc; st_uid sits at offset 28 (x86_64) / 24 (aarch64).
        var buffer = new byte[256];
        if (StatRaw(path, buffer) != 0)
            return null;
        int offset = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 24 : 28;
        return BitConverter.ToUInt32(buffer, offset);
    }
}
