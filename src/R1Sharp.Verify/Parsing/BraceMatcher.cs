namespace R1Sharp.Verify.Parsing;

/// <summary>Finds the brace that closes an opening one, skipping escaped braces (<c>\{</c>, <c>\}</c>).</summary>
internal static class BraceMatcher
{
    /// <summary>Index of the <c>}</c> matching the <c>{</c> at <paramref name="open"/>, or -1 when unbalanced.</summary>
    public static int FindClose(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\') { i++; continue; }
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }
}
