namespace R1Sharp.Text.Templates;

/// <summary>A clock stopped at one instant (for reproducible <c>strftime_now</c>), with that instant's offset as local time.</summary>
public sealed class FixedClock : TimeProvider
{
    private readonly DateTimeOffset _now;

    /// <summary>Stops the clock at <paramref name="now"/>.</summary>
    public FixedClock(DateTimeOffset now) => _now = now;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.CreateCustomTimeZone("fixed", _now.Offset, "fixed", "fixed");
}
