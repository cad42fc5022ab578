using System.Text.Json.Serialization;

namespace ServerlessDocker.Functions.Tests;

public sealed record Payload(string Name, int Count);

[JsonSerializable(typeof(Payload))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class TestJson : JsonSerializerContext;
