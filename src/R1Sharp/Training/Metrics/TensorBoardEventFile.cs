using System.Buffers.Binary;
using System.Text;

namespace R1Sharp.Training.Metrics;

/// <summary>
/// Writes and reads TensorBoard event files (<c>events.out.tfevents.*</c>) without TensorFlow: TFRecord framing
/// (length, masked CRC-32C of the length, payload, masked CRC-32C of the payload) around hand-encoded
/// <c>Event</c> protobufs (wall_time = 1, step = 2, file_version = 3, summary = 5; Summary.value = 1;
/// Value.tag = 1, Value.simple_value = 2). Only the fields scalars need are written.
/// </summary>
public static class TensorBoardEventFile
{
    /// <summary>The first record of every event file.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The conventional file name for a new event file in <paramref name="directory"/>.</summary>
    public static string NewFileName(string directory) =>
        Path.Combine(directory, $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.r1sharp");

    /// <summary>Encodes the file-version event that opens a file.</summary>
    public static byte[] VersionRecord(double wallTime)
    {
        var payload = new List<byte>();
        WriteDouble(payload, 1, wallTime);
        WriteBytes(payload, 3, Encoding.UTF8.GetBytes(FileVersion));
        return Frame(payload.ToArray());
    }

    /// <summary>Encodes one event holding the given scalars of one step.</summary>
    public static byte[] ScalarsRecord(long step, double wallTime, IEnumerable<KeyValuePair<string, double>> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        var summary = new List<byte>();
        foreach (var (tag, value) in scalars)
        {
            var v = new List<byte>();
            WriteBytes(v, 1, Encoding.UTF8.GetBytes(tag));
            v.Add((2 << 3) | 5);
            var f = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(f, (float)value);
            v.AddRange(f);
            WriteBytes(summary, 1, v.ToArray());
        }
        var payload = new List<byte>();
        WriteDouble(payload, 1, wallTime);
        payload.Add(2 << 3);
        WriteVarint(payload, (ulong)step);
        WriteBytes(payload, 5, summary.ToArray());
        return Frame(payload.ToArray());
    }

    /// <summary>Reads every scalar of an event file, checking both CRCs of every record.</summary>
    /// <exception cref="InvalidDataException">A record is truncated or a checksum does not match (the message gives the offset).</exception>
    public static IReadOnlyList<ScalarEvent> ReadScalars(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<ScalarEvent>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 12) throw new InvalidDataException($"{path}: truncated record header at byte {offset}.");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8));
            if (lengthCrc != Crc32C.Masked(bytes.AsSpan(offset, 8))) throw new InvalidDataException($"{path}: length checksum mismatch at byte {offset}.");
            if (length > (ulong)(bytes.Length - offset - 16)) throw new InvalidDataException($"{path}: record at byte {offset} runs past the end of the file.");
            var payload = bytes.AsSpan(offset + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length));
            if (dataCrc != Crc32C.Masked(payload)) throw new InvalidDataException($"{path}: data checksum mismatch at byte {offset}.");
            DecodeEvent(payload, events);
            offset += 16 + (int)length;
        }
        return events;
    }

    private static void DecodeEvent(ReadOnlySpan<byte> data, List<ScalarEvent> into)
    {
        double wallTime = 0;
        long step = 0;
        var summaries = new List<byte[]>();
        var reader = new ProtoReader(data.ToArray());
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)reader.Fixed64()); break;
                case (2, 0): step = (long)reader.Varint(); break;
                case (5, 2): summaries.Add(reader.Bytes()); break;
                default: reader.Skip(wire); break;
            }
        }
        foreach (var summary in summaries)
        {
            var s = new ProtoReader(summary);
            while (s.Next(out int field, out int wire))
            {
                if (field != 1 || wire != 2) { s.Skip(wire); continue; }
                var v = new ProtoReader(s.Bytes());
                string tag = "";
                float value = float.NaN;
                while (v.Next(out int vf, out int vw))
                {
                    if (vf == 1 && vw == 2) tag = Encoding.UTF8.GetString(v.Bytes());
                    else if (vf == 2 && vw == 5) value = BitConverter.Int32BitsToSingle((int)v.Fixed32());
                    else v.Skip(vw);
                }
                into.Add(new ScalarEvent(step, wallTime, tag, value));
            }
        }
    }

    private static byte[] Frame(byte[] payload)
    {
        var record = new byte[payload.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32C.Masked(record.AsSpan(0, 8)));
        payload.CopyTo(record, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + payload.Length), Crc32C.Masked(payload));
        return record;
    }

    private static void WriteVarint(List<byte> into, ulong value)
    {
        while (value >= 0x80) { into.Add((byte)(value | 0x80)); value >>= 7; }
        into.Add((byte)value);
    }

    private static void WriteBytes(List<byte> into, int field, byte[] bytes)
    {
        WriteVarint(into, (ulong)((field << 3) | 2));
        WriteVarint(into, (ulong)bytes.Length);
        into.AddRange(bytes);
    }

    private static void WriteDouble(List<byte> into, int field, double value)
    {
        WriteVarint(into, (ulong)((field << 3) | 1));
        var b = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        into.AddRange(b);
    }

    /// <summary>Minimal protobuf wire reader for the decode side.</summary>
    private sealed class ProtoReader(byte[] data)
    {
        private int _pos;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_pos >= data.Length) return false;
            ulong key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (_pos >= data.Length || shift > 63) throw new InvalidDataException("Malformed protobuf varint.");
                byte b = data[_pos++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return result;
            }
        }

        public ulong Fixed64() { ulong v = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(_pos)); _pos += 8; return v; }

        public uint Fixed32() { uint v = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(_pos)); _pos += 4; return v; }

        public byte[] Bytes()
        {
            int n = checked((int)Varint());
            if (n > data.Length - _pos) throw new InvalidDataException("Protobuf field runs past its message.");
            var b = data.AsSpan(_pos, n).ToArray();
            _pos += n;
            return b;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: Bytes(); break;
                case 5: _pos += 4; break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {wire}.");
            }
        }
    }
}
