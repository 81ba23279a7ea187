using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Tests.Sandbox;

public sealed class SandboxLifetimeTests
{
    [Fact]
    public async Task A_uid_stays_claimed_until_the_run_using_it_ends_even_after_dispose()
    {
        // A uid range of its own, so no other sandbox (other tests, other test processes) competes for these uids.
        var range = new SandboxOptions { WorkerSlots = 1, FirstUid = 62000, UidCount = 10 };
        var first = await BubblewrapSandbox.StartAsync(range);
        int uid = first.SlotUids[0];
        using var cancel = new CancellationTokenSource();
        var request = new SandboxRequest(["/bin/sleep", "60"], ResourceLimits.Default with { WallClock = TimeSpan.FromSeconds(60) });
        var running = first.RunAsync(request, cancel.Token);
        first.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.RunAsync(request));

        // While the run lives, its uid is not handed to another sandbox.
        using (var second = await BubblewrapSandbox.StartAsync(range with { FirstUid = uid }))
            Assert.NotEqual(uid, second.SlotUids[0]);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Empty(ProcScan.ProcessesOf([uid]));
        // Once it ended, the uid is free again.
        using var third = await BubblewrapSandbox.StartAsync(range with { FirstUid = uid, UidCount = 1 });
        Assert.Equal(uid, third.SlotUids[0]);
    }
}
