using System.Runtime.CompilerServices;
using R1Sharp.Models;

namespace R1Sharp.Tests;

/// <summary>
/// Pins libtorch's pool to one thread for the whole test host. Test classes run in parallel, and a test that runs a
/// command or a built-in pipeline in-process would otherwise resize the process-wide pool while another test's two
/// runs are being compared bit for bit (a resumed run against a straight one): reductions then split differently and
/// the last bits differ. One thread is also what the commands use by default.
/// </summary>
internal static class TestHostTorchThreads
{
#pragma warning disable CA2255 // the pin must be in place before any test starts
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void PinOnLoad() => TorchThreads.Pin(1);
}
