using System.Globalization;
using System.Text;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Python's <c>strftime</c> directives (C locale), for the <c>strftime_now</c> global of transformers.</summary>
internal static class PythonDateFormat
{
    public static string Format(DateTimeOffset time, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }
            char d = format[++i];
            builder.Append(d switch
            {
                'd' => time.Day.ToString("00", c),
                'm' => time.Month.ToString("00", c),
                'Y' => time.Year.ToString("0000", c),
                'y' => (time.Year % 100).ToString("00", c),
                'H' => time.Hour.ToString("00", c),
                'I' => ((time.Hour + 11) % 12 + 1).ToString("00", c),
                'M' => time.Minute.ToString("00", c),
                'S' => time.Second.ToString("00", c),
                'f' => (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", c),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'b' or 'h' => c.DateTimeFormat.GetAbbreviatedMonthName(time.Month),
                'B' => c.DateTimeFormat.GetMonthName(time.Month),
                'a' => c.DateTimeFormat.GetAbbreviatedDayName(time.DayOfWeek),
                'A' => c.DateTimeFormat.GetDayName(time.DayOfWeek),
                'w' => ((int)time.DayOfWeek).ToString(c),
                'j' => time.DayOfYear.ToString("000", c),
                'Z' => time.Offset == TimeSpan.Zero ? "UTC" : "",
                'z' => (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.ToString("hhmm", c),
                'F' => time.ToString("yyyy-MM-dd", c),
                'T' => time.ToString("HH:mm:ss", c),
                '%' => "%",
                _ => throw new FormatException($"strftime directive '%{d}' is not supported"),
            });
        }
        return builder.ToString();
    }
}
