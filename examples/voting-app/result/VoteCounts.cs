using System.Text.Json.Serialization;

namespace VotingApp;

/// <summary>The tally, as <c>/result/votes</c> answers it: <c>{"a": N, "b": M}</c>.</summary>
internal sealed record VoteCounts(
    [property: JsonPropertyName("a")] long A,
    [property: JsonPropertyName("b")] long B)
{
    [JsonIgnore]
    public long Total => A + B;
}

/// <summary>Source-generated serialisation (no reflection: the function is NativeAOT).</summary>
[JsonSerializable(typeof(VoteCounts))]
internal sealed partial class VotingJsonContext : JsonSerializerContext;
