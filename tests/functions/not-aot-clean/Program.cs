using System.Text.Json;

Console.WriteLine(JsonSerializer.Serialize(new Thing("reflection")));

internal sealed record Thing(string Name);
