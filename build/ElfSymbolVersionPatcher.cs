// Marks chosen symbol-version requirements of an ELF shared library as weak (VER_FLG_WEAK).
//
// Why: libLibTorchSharp.so of TorchSharp 0.107.0 records a need for GLIBCXX_3.4.32, but Debian 12's
// libstdc++ stops at 3.4.30, so the dynamic loader refuses the library and every torch call fails.
// The only symbol of that version (_ZSt21ios_base_library_initv) is never called, and libtorch itself
// needs only 3.4.26. A *weak* version requirement that the system cannot satisfy is accepted by glibc's
// loader, so flipping one flag bit in the .gnu.version_r section is enough. `patchelf
// --clear-symbol-version` is not: the version entry stays and the loader still checks it.
//
// This one file is compiled twice: into an MSBuild inline task (build/LibTorch.targets) that patches
// the copies the build writes, and into R1Sharp itself (R1SHARP_LIBRARY) as a fallback that patches
// the installed copy before torch is first touched (e.g. a `dotnet tool install`ed r1).
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

#if R1SHARP_LIBRARY
namespace R1Sharp.Build;
#endif

/// <summary>Flips VER_FLG_WEAK on version needs of an ELF64 little-endian shared object.</summary>
internal static class ElfSymbolVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>
    /// Marks every version need whose name is in <paramref name="versions"/> as weak.
    /// Returns the names newly marked (empty when the file was already patched or does not need them).
    /// Throws <see cref="InvalidDataException"/> naming the file when it is not a well-formed ELF64 LE object.
    /// </summary>
    public static IReadOnlyList<string> MarkWeak(string path, ICollection<string> versions)
    {
        byte[] elf = File.ReadAllBytes(path);
        var changed = new List<string>();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{path}: not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path}: only 64-bit little-endian ELF is supported");

        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        if (shentsize < 64 || shoff == 0 || shoff + (ulong)shentsize * (ulong)shnum > (ulong)elf.Length)
            throw new InvalidDataException($"{path}: section header table out of range");

        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            ulong offset = U64(elf, sh + 0x18);
            ulong size = U64(elf, sh + 0x20);
            int link = (int)U32(elf, sh + 0x28);
            int count = (int)U32(elf, sh + 0x2C);
            if (offset + size > (ulong)elf.Length || link >= shnum)
                throw new InvalidDataException($"{path}: .gnu.version_r out of range");
            int strSh = checked((int)shoff + link * shentsize);
            ulong strOff = U64(elf, strSh + 0x18);
            ulong strSize = U64(elf, strSh + 0x20);
            if (strOff + strSize > (ulong)elf.Length)
                throw new InvalidDataException($"{path}: version string table out of range");

            ulong need = offset;
            for (int n = 0; n < count; n++)
            {
                if (need + 16 > offset + size) throw new InvalidDataException($"{path}: truncated Verneed entry");
                int auxCount = U16(elf, (int)need + 2);
                ulong aux = need + U32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    if (aux + 16 > offset + size) throw new InvalidDataException($"{path}: truncated Vernaux entry");
                    uint nameOff = U32(elf, (int)aux + 8);
                    if (nameOff >= strSize) throw new InvalidDataException($"{path}: version name out of range");
                    string name = CString(elf, (int)(strOff + nameOff), (int)(strOff + strSize));
                    int flagsAt = (int)aux + 4;
                    ushort flags = (ushort)U16(elf, flagsAt);
                    if (versions.Contains(name) && (flags & VerFlagWeak) == 0)
                    {
                        flags |= VerFlagWeak;
                        elf[flagsAt] = (byte)flags;
                        elf[flagsAt + 1] = (byte)(flags >> 8);
                        changed.Add(name);
                    }
                    uint next = U32(elf, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint nextNeed = U32(elf, (int)need + 12);
                if (nextNeed == 0) break;
                need += nextNeed;
            }
        }

        if (changed.Count > 0)
        {
            // Write beside the original, then rename: a half-written library is never left behind.
            string temp = path + ".patching";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null);
        }
        return changed;
    }

    private static int U16(byte[] b, int at) => b[at] | (b[at + 1] << 8);
    private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));
    private static ulong U64(byte[] b, int at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

    private static string CString(byte[] b, int start, int limit)
    {
        int end = start;
        while (end < limit && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }
}

#if !R1SHARP_LIBRARY
/// <summary>MSBuild task: weakens GLIBCXX version needs of the given native libraries.</summary>
public sealed class WeakenElfSymbolVersions : Microsoft.Build.Utilities.Task
{
    /// <summary>The .so files to patch (missing files are skipped).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>Semicolon-separated version names to mark weak.</summary>
    [Microsoft.Build.Framework.Required]
    public string Versions { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        var versions = new HashSet<string>(Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                var changed = ElfSymbolVersionPatcher.MarkWeak(path, versions);
                if (changed.Count > 0)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"R1Sharp: marked {string.Join(", ", changed)} weak in {path}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"R1Sharp: could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
