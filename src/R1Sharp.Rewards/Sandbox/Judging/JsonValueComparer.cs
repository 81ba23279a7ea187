using System.Globalization;
using System.Text.Json;

namespace R1Sharp.Rewards.Sandbox.Judging;

/// <summary>
/// Compares a function's returned value (as JSON written by the harness) with the expected JSON value the way
/// Python's <c>==</c> would after JSON: numbers by value (3 == 3.0), tuples as lists, objects by key set; with a
/// float tolerance numbers may also differ by tolerance x max(1, |expected|). Booleans never equal numbers.
/// </summary>
public static class JsonValueComparer
{
    /// <summary>True when <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static bool Equal(JsonElement expected, JsonElement actual, double? floatTolerance)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Number:
                return actual.ValueKind == JsonValueKind.Number && NumbersEqual(expected, actual, floatTolerance);
            case JsonValueKind.String:
                return actual.ValueKind == JsonValueKind.String && expected.GetString() == actual.GetString();
            case JsonValueKind.True:
            case JsonValueKind.False:
            case JsonValueKind.Null:
                return actual.ValueKind == expected.ValueKind;
            case JsonValueKind.Array:
                if (actual.ValueKind != JsonValueKind.Array || actual.GetArrayLength() != expected.GetArrayLength())
                    return false;
                using (var a = actual.EnumerateArray().GetEnumerator())
                {
                    foreach (var e in expected.EnumerateArray())
                    {
                        a.MoveNext();
                        if (!Equal(e, a.Current, floatTolerance))
                            return false;
                    }
                }
                return true;
            case JsonValueKind.Object:
                if (actual.ValueKind != JsonValueKind.Object)
                    return false;
                var got = new Dictionary<string, JsonElement>();
                foreach (var p in actual.EnumerateObject())
                    got[p.Name] = p.Value;
                int count = 0;
                foreach (var p in expected.EnumerateObject())
                {
                    count++;
                    if (!got.TryGetValue(p.Name, out var value) || !Equal(p.Value, value, floatTolerance))
                        return false;
                }
                return count == got.Count;
            default:
                return false;
        }
    }

    private static bool NumbersEqual(JsonElement expected, JsonElement actual, double? floatTolerance)
    {
        if (expected.TryGetDecimal(out decimal e) && actual.TryGetDecimal(out decimal a) && e == a)
            return true;
        if (expected.GetRawText() == actual.GetRawText())
            return true; // e.g. integers beyond decimal's range written identically
        if (!double.TryParse(expected.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ed)
            || !double.TryParse(actual.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ad))
            return false;
        if (floatTolerance is double tolerance)
            return Math.Abs(ad - ed) <= tolerance * Math.Max(1.0, Math.Abs(ed));
        // Without a tolerance only numbers that are exactly equal as decimals match; doubles that merely round alike do not.
        return false;
    }
}
