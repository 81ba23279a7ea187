namespace R1Sharp.Text.Tokenization;

/// <summary>
/// GPT-2's byte-level alphabet: every byte 0..255 is shown as one printable character so that BPE
/// vocabularies can be stored as text. Printable Latin-1 bytes map to themselves; the other 68 bytes
/// map to U+0100.. in byte order (that is how 'Ġ' comes to stand for a space).
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = BuildCharToByte();

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char Encode(byte value) => ByteToChar[value];

    /// <summary>Maps text to its UTF-8 bytes written in the byte-level alphabet.</summary>
    public static string EncodeText(string text)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>Appends the bytes a byte-level token stands for; false when a character is outside the alphabet.</summary>
    public static bool TryAppendBytes(string token, List<byte> destination)
    {
        foreach (char c in token)
        {
            if (!CharToByte.TryGetValue(c, out byte b)) return false;
            destination.Add(b);
        }
        return true;
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++) map[ByteToChar[b]] = (byte)b;
        return map;
    }
}
