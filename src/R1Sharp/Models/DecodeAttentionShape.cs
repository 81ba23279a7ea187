namespace R1Sharp.Models;

/// <summary>
/// The sizes of one <see cref="DecodeAttentionJob"/>: rows, query and key/value heads, head width, the cache's filled
/// length before this step and its capacity (positions per row in its storage), and whether tensors are bf16.
/// </summary>
internal readonly record struct DecodeAttentionShape(int Batch, int Heads, int KvHeads, int HeadDim, int Past, int Capacity, bool Bf16);
