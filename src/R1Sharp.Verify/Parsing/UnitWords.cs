namespace R1Sharp.Verify.Parsing;

/// <summary>Unit and currency words stripped after a value (policy rule 5: units are stripped, never converted).</summary>
internal static class UnitWords
{
    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "mm", "cm", "m", "km", "in", "inch", "inches", "ft", "foot", "feet", "yd", "yard", "yards", "mile", "miles",
        "meter", "meters", "metre", "metres", "centimeter", "centimeters", "kilometer", "kilometers", "millimeter", "millimeters",
        "sq", "square", "cubic", "unit", "units", "g", "kg", "gram", "grams", "kilogram", "kilograms", "lb", "lbs", "pound", "pounds",
        "oz", "ounce", "ounces", "l", "ml", "liter", "liters", "litre", "litres", "gallon", "gallons", "cup", "cups",
        "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days",
        "week", "weeks", "month", "months", "year", "years", "dollar", "dollars", "cent", "cents", "yuan", "euro", "euros",
        "degree", "degrees", "mph", "kph", "people", "students", "times", "ways", "points", "coins", "marbles", "boxes",
        "apples", "pages", "books", "cars", "miles/hour", "per", "each", "th", "st", "nd", "rd",
    };

    public static bool IsUnitPhrase(string phrase)
    {
        var parts = phrase.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 && parts.All(p => Words.Contains(p.Trim('.', ',')));
    }
}
